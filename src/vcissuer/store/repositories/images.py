"""Uploaded images (badge images, issuer logos): stored once, never changed."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from vcissuer.store.records import ImageRecord, new_id
from vcissuer.store.repositories.base import Repository

__all__ = ["ImageRepository"]


class ImageRepository(Repository):
    """Images of an issuer; read by id alone through :meth:`get_public` (they are public)."""

    def add(self, *, issuer_id: str, data: bytes, media_type: str, width: int | None,
            height: int | None) -> ImageRecord:
        """Store an image; the same bytes of the same issuer give back the image stored first."""
        digest = hashlib.sha256(data).hexdigest()
        found = self.session.scalars(
            select(ImageRecord).where(ImageRecord.issuer_id == issuer_id,
                                      ImageRecord.sha256 == digest,
                                      ImageRecord.media_type == media_type).limit(1)
        ).first()
        if found is not None:
            return found
        record = ImageRecord(id=new_id(), issuer_id=issuer_id, media_type=media_type, data=data,
                             sha256=digest, width=width, height=height, created=self._now())
        self.session.add(record)
        self.session.flush()
        return record

    def get_public(self, image_id: str) -> ImageRecord | None:
        return self.session.get(ImageRecord, image_id)
