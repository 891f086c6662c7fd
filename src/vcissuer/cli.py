"""The ``vcissuer`` command: keys, sign, verify (serve and the registry commands join them).

Exit codes of ``verify``: 0 verified, 1 processed and invalid, 2 could not process.
Errors are one line on stderr; there is no stack trace for bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from vcissuer.errors import VcError

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_ERROR = 2


class CliError(Exception):
    """A usage or input problem, reported as one line with exit code 2."""


def _key_store(args: argparse.Namespace) -> Any:
    from vcissuer.keys import KeyStore

    passphrase = os.environ.get("VCISSUER_KEY_PASSPHRASE")
    return KeyStore(Path(args.key_dir), passphrase=passphrase.encode() if passphrase else None)


def _read_input(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise CliError(f"no such file: {source}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{source} is not UTF-8 text (baked images come with 'unbake')") from None


def _parse_credential(text: str) -> dict[str, Any] | str:
    """A JSON credential, or a VC-JWT compact string."""
    stripped = text.strip()
    if stripped.count(".") == 2 and not stripped.startswith("{"):
        return stripped
    from vcissuer.limits import MAX_NESTING_DEPTH, json_text_nesting_exceeds

    if json_text_nesting_exceeds(stripped.encode("utf-8")):
        raise CliError(f"input nests arrays and objects deeper than {MAX_NESTING_DEPTH} levels "
                       "(limit: nesting depth)")
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError as error:
        raise CliError(f"input is neither JSON nor a VC-JWT: {error.msg} at line "
                       f"{error.lineno} column {error.colno}") from None
    if not isinstance(document, dict):
        raise CliError("input must be a JSON object (a credential)")
    return document


def cmd_keys_generate(args: argparse.Namespace, out: TextIO) -> int:
    from vcissuer.dids import did_key_from_public

    store = _key_store(args)
    pair = store.generate(args.name, algorithm=args.algorithm)
    info: dict[str, Any] = {"name": args.name, "algorithm": str(pair.algorithm)}
    if hasattr(pair, "public_multibase"):
        info["publicKeyMultibase"] = pair.public_multibase
        if str(pair.algorithm) in ("Ed25519", "P-256"):
            did = did_key_from_public(pair.public_multibase)
            info["did"] = did
            info["verificationMethod"] = f"{did}#{pair.public_multibase}"
    else:
        info["publicKeyJwk"] = pair.public_jwk()
    out.write(json.dumps(info, indent=2) + "\n")
    return EXIT_OK


def cmd_keys_list(args: argparse.Namespace, out: TextIO) -> int:
    store = _key_store(args)
    for name in store.list():
        out.write(name + "\n")
    return EXIT_OK


def _custody() -> tuple[Any, Any]:
    """The services (database opened and migrated) and the key custody configuration."""
    from vcissuer.api.asgi import custody_from
    from vcissuer.settings import get_settings

    return _services(), custody_from(get_settings())


def _backend(services: Any, custody: Any, kind: str) -> Any:
    from vcissuer.settings import get_settings

    settings = get_settings()
    passphrase = settings.key_passphrase
    return custody.build(db=services.db, key_dir=settings.key_dir, backend=kind,
                         passphrase=passphrase.get_secret_value().encode() if passphrase
                         else None)


def cmd_keys_migrate(args: argparse.Namespace, out: TextIO) -> int:
    """Copy every issuer key to another backend: same names, same key material."""
    from vcissuer.issuance.custody import migrate_keys

    if args.source == args.to:
        raise CliError("--from and --to name the same backend")
    services, custody = _custody()
    source = _backend(services, custody, args.source)
    target = _backend(services, custody, args.to)
    report = migrate_keys(services.db, source, target)
    summary = {"from": args.source, "to": args.to, "moved": report.moved,
               "alreadyThere": report.already}
    if args.to == "database":
        from vcissuer.issuance.context import lookup_key
        from vcissuer.settings import get_settings

        # The recipient lookup key goes along, or learners' lookups would change.
        lookup_key(target, get_settings().key_dir)
        summary["recipientLookupKey"] = "database"
    out.write(json.dumps(summary, indent=2) + "\n")
    out.write(f"Now set VCISSUER_KEY_BACKEND={args.to} on every node"
              + (" and remove the old key files.\n" if args.source == "file" else ".\n"))
    return EXIT_OK


def cmd_keys_rewrap(args: argparse.Namespace, out: TextIO) -> int:
    """Re-encrypt every database-held key under the first (primary) KEK."""
    from vcissuer.issuance.custody import DatabaseBackend

    services, custody = _custody()
    backend = _backend(services, custody, "database")
    assert isinstance(backend, DatabaseBackend)
    moved = backend.rewrap()
    out.write(json.dumps({"primaryKek": backend.ring.primary, "rewrapped": moved,
                          "keysByKek": backend.check()}, indent=2) + "\n")
    return EXIT_OK


def cmd_keys_rotate(args: argparse.Namespace, out: TextIO) -> int:
    """Give an issuer a new signing key in the configured backend (audited as cli:<user>)."""
    from vcissuer.issuance.errors import IssuanceError
    from vcissuer.issuance.issuers import rotate_key

    try:
        view = rotate_key(_services(), args.issuer, caller=_cli_admin())
    except IssuanceError as error:
        raise CliError(error.message) from None
    out.write(json.dumps(view, indent=2) + "\n")
    return EXIT_OK


def cmd_sign(args: argparse.Namespace, out: TextIO) -> int:
    from vcissuer.dids import did_key_from_public
    from vcissuer.proofs import add_proof

    document = _parse_credential(_read_input(args.file))
    if isinstance(document, str):
        raise CliError("input is already a VC-JWT; sign an unsigned JSON credential")
    pair = _key_store(args).load(args.key)
    method = args.verification_method
    if method is None:
        did = did_key_from_public(pair.public_multibase)
        method = f"{did}#{pair.public_multibase}"
    signer = pair.signer(method)
    if args.format == "jwt":
        from vcissuer.proofs.jose import encode_vc_jwt

        out.write(encode_vc_jwt(document, signer, header_key="kid") + "\n")
    else:
        from vcissuer.jsonld import default_canonicalizer
        from vcissuer.proofs import EddsaJcs2022, EddsaRdfc2022

        suite = EddsaJcs2022() if args.cryptosuite == EddsaJcs2022.name else EddsaRdfc2022()
        if suite.name == EddsaJcs2022.name:
            # JCS signs the JSON as is; still refuse terms the @context leaves undefined.
            default_canonicalizer().expand(document)
        out.write(json.dumps(add_proof(document, signer=signer, suite=suite), indent=2) + "\n")
    return EXIT_OK


class _NothingFetched:
    """The offline resolver of last resort: says why a key that must be fetched is not."""

    def supports(self, url: str) -> bool:
        return True

    def resolve(self, url: str, *, purpose: str) -> Any:
        from vcissuer.dids.resolver import INVALID_VERIFICATION_METHOD, ResolutionError

        method = url.split(":", 2)[1] if url.startswith("did:") and url.count(":") >= 2 else None
        what = f"did:{method} keys" if method else "keys at URLs"
        raise ResolutionError(f"--offline fetches nothing, so {what} cannot be resolved "
                              f"({url[:120]!r}); run without --offline to fetch them",
                              code=INVALID_VERIFICATION_METHOD)


def _resolver(args: argparse.Namespace) -> Any:
    from vcissuer.dids import CompositeResolver, DidKeyResolver, FragmentKeyResolver

    resolvers: list[Any] = [DidKeyResolver()]
    if args.trust_embedded_keys:
        resolvers.append(FragmentKeyResolver())
    resolvers.append(_NothingFetched())
    return CompositeResolver(resolvers)


# Refusals that --trust-origin lifts (plain http, loopback and private addresses).
_TRUSTABLE = ("plain http is not allowed", "refused to connect")


def _origin_hint(url: str | None) -> str | None:
    """How to let the verifier fetch from a development service at ``url``'s origin: only for
    this machine or a private network (never suggested for a link-local or public address)."""
    import ipaddress
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if not (parts.scheme and parts.netloc and host):
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        local = host == "localhost" or host.endswith((".localhost", ".local", ".test"))
    else:
        local = address.is_loopback or (address.is_private and not address.is_link_local)
    if not local:
        return None
    origin = f"{parts.scheme}://{parts.netloc}"
    return (f"if {origin} is your own service (in development, say), allow it with "
            f"--trust-origin {origin}")


def _print_report(report: Any, out: TextIO) -> None:
    verdict = ("VERIFIED" if report.verified
               else "COULD NOT VERIFY" if report.could_not_check else "NOT VERIFIED")
    out.write(f"{verdict}\n")
    for check in report.checks:
        mark = {"passed": "ok", "failed": "FAIL", "could not check": "??",
                "not applicable": "--"}[str(check.outcome)]
        line = f"  [{mark}] {check.name}"
        if check.detail:
            line += f": {check.detail}"
        out.write(line + "\n")
        for problem in check.problems:
            out.write(f"        {problem.short_code}: {problem.message}\n")


def cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    import asyncio

    report = asyncio.run(_verify(args))
    if args.json:
        out.write(json.dumps(report.to_json(), indent=2) + "\n")
    else:
        _print_report(report, out)
        messages = [p.message for check in report.checks for p in check.problems]
        if args.offline and report.could_not_check:
            out.write("--offline fetched nothing: keys to fetch (did:web) could not be "
                      "resolved and status could not be checked.\n")
        else:
            hints = {_origin_hint(url) for m in messages if any(t in m for t in _TRUSTABLE)
                     for url in _urls(m)} - {None}
            for hint in sorted(h for h in hints if h):
                out.write(f"Some documents were not fetched: {hint}.\n")
    if report.verified:
        return EXIT_OK
    return EXIT_ERROR if report.could_not_check else EXIT_INVALID


def _urls(text: str) -> list[str]:
    import re

    return re.findall(r"https?://[^\s'\"]+", text)


def _read_credential(source: str) -> dict[str, Any] | str:
    """A credential file: JSON, a VC-JWT, or a baked PNG/SVG image."""
    from vcissuer.baking import BakingError, image_format, unbake

    if source == "-":
        return _parse_credential(sys.stdin.read())
    path = Path(source)
    if not path.is_file():
        raise CliError(f"no such file: {source}")
    data = path.read_bytes()
    try:
        image_format(data)
    except BakingError:
        pass
    else:
        if not data.lstrip().startswith(b"{"):
            try:
                return unbake(data)
            except BakingError as error:
                raise CliError(f"{source}: {error}") from None
    try:
        return _parse_credential(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise CliError(f"{source} is neither UTF-8 text nor a PNG or SVG image") from None


async def _verify(args: argparse.Namespace) -> Any:
    """Fetch keys and status lists through the guarded fetcher, then verify (or offline)."""
    from vcissuer.net import FetchPolicy, FetchRefused
    from vcissuer.verify import Verifier, verify_credential

    is_url = args.file.startswith(("https://", "http://"))
    if args.offline and is_url:
        raise CliError("--offline cannot fetch a URL")
    credential = None if is_url else _read_credential(args.file)
    if args.offline:
        return verify_credential(credential, resolver=_resolver(args),
                                 trust_header_keys=args.trust_embedded_keys)
    policy = FetchPolicy(trusted_origins=frozenset(args.trust_origin or ()),
                         timeout=args.timeout)
    verifier = Verifier.create(policy, trust_embedded_keys=args.trust_embedded_keys)
    try:
        if credential is not None:
            return await verifier.verify_credential(credential)
        try:
            return (await verifier.verify_url(args.file))[1]
        except FetchRefused as error:
            message = str(error)
            hint = _origin_hint(args.file)
            if hint and any(marker in message for marker in _TRUSTABLE):
                message += f"; {hint}"
            raise CliError(message) from None
    finally:
        await verifier.aclose()


def _services() -> Any:
    from vcissuer.api.asgi import services_from
    from vcissuer.settings import get_settings

    settings = get_settings()
    _ensure_sqlite_folder(settings.database_url)
    return services_from(settings)


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


DEMO_SLUG = "demo-university"


def _database_label(url: str) -> str:
    """The database's kind and place, without a password."""
    if url.startswith("sqlite:///"):
        return f"SQLite file {url.removeprefix('sqlite:///')}"
    scheme, _, rest = url.partition("://")
    return f"{scheme.split('+')[0]} at {rest.rpartition('@')[2]}"


def _ensure_demo_issuer(services: Any, out: TextIO | None = None) -> None:
    from vcissuer.issuance.access import ADMIN, Caller
    from vcissuer.issuance.issuers import create_issuer
    from vcissuer.issuance.schemas import IssuerIn
    from vcissuer.store import IssuerRepository

    with services.db.session_scope(read_only=True) as session:
        if IssuerRepository(session).get_by_slug(DEMO_SLUG) is not None:
            return
    if out is not None:
        out.write(f"Creating the demo issuer {DEMO_SLUG!r} and generating its signing key...\n")
        out.flush()
    create_issuer(services, IssuerIn(slug=DEMO_SLUG, name="Demo University",
                                     url="https://www.example.ac.uk"),
                  caller=Caller("cli", None, frozenset({ADMIN})))


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from vcissuer.server import serve
    from vcissuer.settings import get_settings

    settings = get_settings()
    # The first start migrates a new database and makes keys: say what is happening.
    out.write(f"Opening the database and bringing its schema up to date "
              f"({_database_label(settings.database_url)})...\n")
    out.flush()
    services = _services()
    if args.demo:
        _ensure_demo_issuer(services, out)
    scheme = "https" if settings.tls_enabled else "http"
    out.write(
        f"vcissuer {settings.base_url} (listening on {scheme}://{settings.host}:{settings.port})\n"
        f"  database: {services.db.engine.url.render_as_string(hide_password=True)}\n"
        f"  keys:     {_keys_label(settings)}\n"
        + (f"  demo issuer: {settings.base_url}/issuers/{DEMO_SLUG}\n" if args.demo else "")
        + "  API docs: /docs   admin API key: .venv/bin/vcissuer clients create --admin\n"
    )
    out.flush()
    services.db.dispose()
    serve(
        host=settings.host, port=settings.port, workers=args.workers,
        log_level=settings.log_level,
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 (or FORWARDED_ALLOW_IPS);
        # the app decides, from VCISSUER_TRUSTED_PROXIES (api/ratelimit.py).
        proxy_headers=False,
        ssl_certfile=str(settings.tls_certfile) if settings.tls_certfile else None,
        ssl_keyfile=str(settings.tls_keyfile) if settings.tls_keyfile else None,
    )
    return EXIT_OK


def _keys_label(settings: Any) -> str:
    """Where the issuer keys are, for the start-up banner (KEK ids and labels, no secrets)."""
    if settings.key_backend == "database":
        from vcissuer.keys.wrap import parse_kek_ring

        ring = parse_kek_ring(settings.kek_text() or "")
        return f"database, wrapped under KEK {ring.primary!r} (unwraps {', '.join(ring.ids)})"
    if settings.key_backend == "pkcs11":
        return f"pkcs11 token {settings.pkcs11_token_label!r} ({settings.pkcs11_module})"
    return f"files in {settings.key_dir}"


def cmd_clients_create(args: argparse.Namespace, out: TextIO) -> int:
    from vcissuer.store import ApiClientRepository, IssuerRepository

    services = _services()
    if args.admin == bool(args.issuer):
        raise CliError("give either --admin or --issuer SLUG")
    scopes = ["admin"] if args.admin else (args.scope or ["manage", "issue", "revoke"])
    with services.db.session_scope() as session:
        issuer_id = None
        if args.issuer:
            issuer = IssuerRepository(session).get_by_slug(args.issuer)
            if issuer is None:
                raise CliError(f"no issuer {args.issuer!r}")
            issuer_id = issuer.id
        issued = ApiClientRepository(session).create(name=args.name, issuer_id=issuer_id,
                                                     scopes=scopes)
        out.write(json.dumps({"id": issued.client.id, "name": args.name,
                              "issuer": args.issuer, "scopes": scopes,
                              "apiKey": issued.token}, indent=2) + "\n")
    out.write("Store the apiKey now: only its hash is kept.\n")
    return EXIT_OK


def _cli_admin() -> Any:
    import getpass

    from vcissuer.issuance.access import ADMIN, Caller

    return Caller(f"cli:{getpass.getuser()}", None, frozenset({ADMIN}))


def cmd_clients_list(args: argparse.Namespace, out: TextIO) -> int:
    """Every API key (or one issuer's), with created and last-used times; never a secret."""
    from vcissuer.issuance.clients import list_clients
    from vcissuer.issuance.errors import IssuanceError

    try:
        listing = list_clients(_services(), caller=_cli_admin(), issuer=args.issuer)
    except IssuanceError as error:
        raise CliError(error.message) from None
    out.write(json.dumps(listing, indent=2) + "\n")
    return EXIT_OK


def cmd_clients_change(args: argparse.Namespace, out: TextIO) -> int:
    """Revoke an API key, or rotate it (the new key is printed once)."""
    from vcissuer.issuance.clients import revoke_client, rotate_client
    from vcissuer.issuance.errors import IssuanceError

    change = revoke_client if args.clients_command == "revoke" else rotate_client
    try:
        view = change(_services(), args.id, caller=_cli_admin(), reason=args.reason)
    except IssuanceError as error:
        raise CliError(error.message) from None
    out.write(json.dumps(view, indent=2) + "\n")
    if "apiKey" in view:
        out.write("Store the apiKey now: only its hash is kept. The old key no longer works.\n")
    return EXIT_OK


def cmd_credentials_status(args: argparse.Namespace, out: TextIO) -> int:
    """Revoke, suspend or reinstate credentials as registry staff (audited as cli:<user>)."""
    import getpass

    from vcissuer.issuance.access import ADMIN, Caller
    from vcissuer.issuance.status import change_status
    from vcissuer.store import StatusAction

    services = _services()
    actor = f"cli:{getpass.getuser()}"
    results = change_status(services, args.issuer, args.ids,
                            action=StatusAction(args.credentials_command),
                            reason=args.reason, caller=Caller(actor, None, frozenset({ADMIN})))
    out.write(json.dumps({"items": results}, indent=2) + "\n")
    failed = [r for r in results if r["outcome"] in ("not_found", "not_allowed")]
    return EXIT_INVALID if failed else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vcissuer", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    key_dir = os.environ.get("VCISSUER_KEY_DIR", "keys")

    keys = sub.add_parser("keys", help="manage signing keys").add_subparsers(
        dest="keys_command", required=True)
    gen = keys.add_parser("generate", help="generate a key into the key store")
    gen.add_argument("--name", default="default")
    gen.add_argument("--algorithm", choices=["Ed25519", "P-256", "RSA"], default="Ed25519")
    gen.add_argument("--key-dir", default=key_dir)
    gen.set_defaults(handler=cmd_keys_generate)
    lst = keys.add_parser("list", help="list the keys in the key store")
    lst.add_argument("--key-dir", default=key_dir)
    lst.set_defaults(handler=cmd_keys_list)
    migrate = keys.add_parser(
        "migrate", help="copy every issuer key to another backend (VCISSUER_KEY_BACKEND)")
    migrate.add_argument("--to", required=True, choices=["file", "database", "pkcs11"])
    migrate.add_argument("--from", dest="source", default="file",
                         choices=["file", "database"], help="default: file")
    migrate.set_defaults(handler=cmd_keys_migrate)
    rewrap = keys.add_parser("rewrap", help="re-encrypt database-held keys under the first KEK")
    rewrap.set_defaults(handler=cmd_keys_rewrap)
    rotate = keys.add_parser("rotate", help="give an issuer a new signing key")
    rotate.add_argument("--issuer", required=True, help="issuer slug")
    rotate.set_defaults(handler=cmd_keys_rotate)

    sign = sub.add_parser("sign", help="sign a credential (eddsa-rdfc-2022, eddsa-jcs-2022, "
                                       "or VC-JWT)")
    sign.add_argument("file", help="credential JSON file, or - for stdin")
    sign.add_argument("--key", default="default", help="key name in the key store")
    sign.add_argument("--key-dir", default=key_dir)
    sign.add_argument("--verification-method", help="URL of the key (default: its did:key)")
    sign.add_argument("--format", choices=["ldp", "jwt"], default="ldp")
    sign.add_argument("--cryptosuite", choices=["eddsa-rdfc-2022", "eddsa-jcs-2022"],
                      default="eddsa-rdfc-2022", help="Data Integrity cryptosuite (format ldp)")
    sign.set_defaults(handler=cmd_sign)

    verify = sub.add_parser(
        "verify", help="verify a credential (JSON, VC-JWT or baked image; a file or a URL)")
    verify.add_argument("file", help="credential file, https URL, or - for stdin")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.add_argument(
        "--trust-embedded-keys", action="store_true",
        help="accept keys that travel inside the credential (a Multikey URL fragment, a JWT "
             "jwk header) as the issuer's, as the 1EdTech validator does",
    )
    verify.add_argument("--offline", action="store_true",
                        help="fetch nothing: only did:key (and embedded keys when trusted); "
                             "status lists cannot be checked")
    verify.add_argument("--trust-origin", action="append", metavar="ORIGIN",
                        help="an origin fetched even over http or on a private address, such "
                             "as your own development service (http://localhost:8000)")
    verify.add_argument("--timeout", type=float, default=5.0,
                        help="seconds allowed for each document fetched (default 5)")
    verify.set_defaults(handler=cmd_verify)

    serve = sub.add_parser("serve", help="run the service (configured by VCISSUER_* variables)")
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--demo", action="store_true", help="create a demo issuer if missing")
    serve.set_defaults(handler=cmd_serve)

    clients = sub.add_parser("clients", help="API keys").add_subparsers(
        dest="clients_command", required=True)
    create = clients.add_parser("create", help="create an API key (printed once)")
    create.add_argument("--issuer", help="slug of the issuer the key is bound to")
    create.add_argument("--admin", action="store_true", help="an admin key (creates issuers)")
    create.add_argument("--scope", action="append", choices=["manage", "issue", "revoke"])
    create.add_argument("--name", default="api client")
    create.set_defaults(handler=cmd_clients_create)
    listing = clients.add_parser("list", help="list API keys (no secrets)")
    listing.add_argument("--issuer", help="only this issuer's keys")
    listing.set_defaults(handler=cmd_clients_list)
    for action, text in (("revoke", "revoke an API key (refused at once)"),
                         ("rotate", "give a client a new API key (printed once); the old one "
                                    "is refused")):
        change_key = clients.add_parser(action, help=text)
        change_key.add_argument("id", help="the client id (from clients list)")
        change_key.add_argument("--reason", help="recorded in the audit trail")
        change_key.set_defaults(handler=cmd_clients_change)

    creds = sub.add_parser("credentials", help="revoke, suspend, reinstate").add_subparsers(
        dest="credentials_command", required=True)
    for action, text in (("revoke", "revoke (final)"), ("suspend", "suspend"),
                         ("reinstate", "reinstate a suspended credential")):
        change = creds.add_parser(action, help=text)
        change.add_argument("ids", nargs="+", help="credential ids (uuid)")
        change.add_argument("--issuer", required=True, help="issuer slug")
        change.add_argument("--reason", required=True, help="recorded in the audit trail")
        change.set_defaults(handler=cmd_credentials_status)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
    try:
        return handler(args, out)
    except (CliError, VcError) as error:
        sys.stderr.write(f"vcissuer: {error}\n")
        return EXIT_ERROR
    except OSError as error:
        sys.stderr.write(f"vcissuer: {error.strerror or error}: {error.filename or ''}\n")
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
