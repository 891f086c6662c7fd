// vcissuer interop harness (test-only): runs the Digital Bazaar reference libraries on a JSON
// request read from stdin and writes one JSON answer to stdout.
//
// Nothing is fetched from the network: the document loader serves only the JSON-LD contexts
// bundled in vcissuer's contexts/ (by contexts/INDEX.json), did:key documents (computed by
// @digitalbazaar/did-method-key) and the documents the request itself carries (e.g. a status
// list credential). Anything else is an error naming the URL.
//
// Input: {"contextsDir": "<repo>/contexts", "batch": [request, ...]} -> [answer, ...] (one
// Node start for a whole test module). A request: {"action": ..., "documents": {url: doc}, ...}
//   verify-credential    {credential}            -> {verified, error?, statusResult?}
//   verify-presentation  {presentation, challenge, domain?} -> {verified, error?, credentials}
//   issue                {credential, keyPair: {publicKeyMultibase, secretKeyMultibase}}
//                                                 -> {credential}
//   check-status         {credential}            -> {verified, error?, results: [{statusPurpose,
//                                                     status}]}
import {readFileSync} from 'node:fs';
import {join} from 'node:path';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as DidKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

function readStdin() {
  return JSON.parse(readFileSync(0, 'utf8'));
}

function bundledContexts(dir) {
  const index = JSON.parse(readFileSync(join(dir, 'INDEX.json'), 'utf8'));
  const contexts = new Map();
  for(const [url, entry] of Object.entries(index.contexts)) {
    contexts.set(url, JSON.parse(readFileSync(join(dir, entry.file), 'utf8')));
  }
  return contexts;
}

function makeLoader({contexts, documents}) {
  const didKey = DidKey.driver();
  didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  const loaded = [];
  async function documentLoader(url) {
    loaded.push(url);
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
    }
    if(Object.hasOwn(documents, url)) {
      return {contextUrl: null, documentUrl: url, document: documents[url]};
    }
    if(url.startsWith('did:key:')) {
      return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
    }
    throw new Error(`not served offline: ${url}`);
  }
  return {documentLoader, loaded};
}

function describe(error) {
  if(!error) {
    return undefined;
  }
  const errors = Array.isArray(error.errors) ? error.errors : [];
  const parts = [error.message || String(error), ...errors.map(e => e.message || String(e))];
  return parts.join('; ');
}

function statusChecker(documentLoader, suite) {
  return ({credential}) => checkStatus({credential, documentLoader, suite});
}

async function run(request, contexts) {
  const {documentLoader, loaded} = makeLoader(
    {contexts, documents: request.documents || {}});
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  let answer;
  switch(request.action) {
    case 'verify-credential': {
      const options = {credential: request.credential, suite, documentLoader};
      if(request.credential.credentialStatus) {
        options.checkStatus = statusChecker(documentLoader, suite);
      }
      const result = await vc.verifyCredential(options);
      answer = {verified: result.verified, error: describe(result.error),
        statusResult: result.statusResult};
      break;
    }
    case 'verify-presentation': {
      const result = await vc.verify({
        presentation: request.presentation, challenge: request.challenge,
        domain: request.domain, suite, documentLoader,
        checkStatus: statusChecker(documentLoader, suite)
      });
      answer = {
        verified: result.verified, error: describe(result.error),
        presentationVerified: result.presentationResult?.verified,
        credentials: (result.credentialResults || []).map(r => ({
          verified: r.verified, error: describe(r.error)}))
      };
      break;
    }
    case 'issue': {
      const {publicKeyMultibase, secretKeyMultibase} = request.keyPair;
      const controller = `did:key:${publicKeyMultibase}`;
      const keyPair = await Ed25519Multikey.from({
        type: 'Multikey', controller, id: `${controller}#${publicKeyMultibase}`,
        publicKeyMultibase, secretKeyMultibase
      });
      const signingSuite = new DataIntegrityProof(
        {signer: keyPair.signer(), cryptosuite: eddsaRdfc2022});
      if(request.date) {
        signingSuite.date = request.date;
      }
      const credential = await vc.issue(
        {credential: request.credential, suite: signingSuite, documentLoader});
      answer = {credential};
      break;
    }
    case 'check-status': {
      const result = await checkStatus(
        {credential: request.credential, documentLoader, suite});
      answer = {
        verified: result.verified, error: describe(result.error),
        results: (result.results || []).map(r => ({
          statusPurpose: r.credentialStatus.statusPurpose, status: r.status}))
      };
      break;
    }
    default:
      throw new Error(`unknown action: ${request.action}`);
  }
  answer.loaded = loaded;
  return answer;
}

async function main() {
  const input = readStdin();
  const contexts = bundledContexts(input.contextsDir);
  const answers = [];
  for(const request of input.batch) {
    try {
      answers.push(await run(request, contexts));
    } catch(error) {
      answers.push({fatal: describe(error)});
    }
  }
  process.stdout.write(JSON.stringify(answers));
}

main().catch(error => {
  process.stdout.write(JSON.stringify({fatal: describe(error)}));
  process.exitCode = 2;
});
