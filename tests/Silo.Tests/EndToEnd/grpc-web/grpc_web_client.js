'use strict';
/*
 * Checks the silo's gRPC-Web endpoint (HTTP/1.1, the port of Grpc:WebPort) with the official grpc-web client
 * (GrpcWebClientBase + MethodDescriptor, XMLHttpRequest from xhr2 in Node), independent of the .NET clients.
 * protobufjs encodes and decodes the messages from the real .proto files in grpc-api/Api/Protos (no generated code).
 *
 * Usage: node grpc_web_client.js <http://127.0.0.1:WEBPORT> <bearer-token> <account_id> <subscription_id>
 *   - SubscriptionService/GetSubscription with "authorization: Bearer <token>", once in binary mode
 *     (application/grpc-web+proto) and once in text mode (application/grpc-web-text, base64): the answer must be
 *     that subscription of that account;
 *   - the same call without a token, binary mode: it must fail with UNAUTHENTICATED (16).
 * Prints one line per check ("ok <name> ..." or "FAIL <name>: <why>") and "checks: N ok, M failed"; exits 1 if a
 * check failed, 2 on bad arguments, 3 when node_modules is missing (run npm ci in this folder; scripts/test.sh does).
 */
const path = require('node:path');

let grpcWeb;
let protobuf;
try {
  globalThis.XMLHttpRequest = require('xhr2');
  grpcWeb = require('grpc-web');
  protobuf = require('protobufjs');
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') {
    throw error;
  }
  console.log(`FAIL setup: node_modules is missing or incomplete (${error.message.split('\n')[0]}); ` +
    `run npm ci in ${__dirname}`);
  process.exit(3);
}

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const PROTOS = path.join(REPO, 'grpc-api', 'Api', 'Protos');
const METHOD = '/subscriptions.v1.SubscriptionService/GetSubscription';
const CALL_MS = 10000;
const UNAUTHENTICATED = grpcWeb.StatusCode.UNAUTHENTICATED;

const [baseUrl, token, accountId, subscriptionId] = process.argv.slice(2);
if (process.argv.length !== 6 || !/^https?:\/\/[^/]+\/?$/.test(baseUrl)) {
  console.log('usage: node grpc_web_client.js <http://127.0.0.1:WEBPORT> <bearer-token> <account_id> <subscription_id>');
  process.exit(2);
}

/** Loads the .proto files from grpc-api/Api/Protos; google/protobuf/* come bundled with protobufjs. */
function loadTypes() {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => (path.isAbsolute(target) ? target : path.join(PROTOS, target));
  root.loadSync('subscriptions/v1/subscriptions.proto', { keepCase: true });
  return {
    request: root.lookupType('subscriptions.v1.GetSubscriptionRequest'),
    response: root.lookupType('subscriptions.v1.Subscription'),
  };
}

const types = loadTypes();
const getSubscription = new grpcWeb.MethodDescriptor(
  METHOD,
  'unary',
  types.request.ctor,
  types.response.ctor,
  request => types.request.encode(types.request.fromObject(request)).finish(),
  bytes => types.response.toObject(types.response.decode(bytes), { enums: String, defaults: true }));

/** One unary GetSubscription call in the given format ('binary' or 'text'); resolves to { reply } or { error }. */
async function callGetSubscription(format, metadata) {
  const client = new grpcWeb.GrpcWebClientBase({ format });
  const request = { account_id: accountId, subscription_id: subscriptionId };
  // grpc-web turns the "deadline" metadata into grpc-timeout and an XHR timeout, so a call never hangs.
  const withDeadline = { ...metadata, deadline: String(Date.now() + CALL_MS) };
  try {
    // unaryCall is the promise API (index.d.ts also names thenableCall, which grpc-web 2.1.1 does not export).
    return { reply: await client.unaryCall(baseUrl.replace(/\/$/, '') + METHOD, request, withDeadline, getSubscription) };
  } catch (error) {
    return { error };
  }
}

let passed = 0;
let failed = 0;

function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok ${name}${detail ? ' ' + detail : ''}`);
  } else {
    failed++;
    console.log(`FAIL ${name}: ${detail}`);
  }
}

function describeError(error) {
  return `code=${error.code} message=${JSON.stringify(error.message)}`;
}

async function main() {
  const authorized = { authorization: `Bearer ${token}` };
  for (const format of ['binary', 'text']) {
    const { reply, error } = await callGetSubscription(format, authorized);
    const name = `${format}_get_subscription`;
    if (error) {
      check(name, false, describeError(error));
    } else if (reply.subscription_id !== subscriptionId || reply.account_id !== accountId) {
      check(name, false, `expected id=${subscriptionId} account=${accountId}, got ${JSON.stringify(reply)}`);
    } else {
      check(name, true, `id=${reply.subscription_id} account=${reply.account_id} status=${reply.status}`);
    }
  }

  const { reply, error } = await callGetSubscription('binary', {});
  if (error) {
    check('binary_unauthenticated', error.code === UNAUTHENTICATED,
      error.code === UNAUTHENTICATED ? `code=${error.code}` : `expected code=${UNAUTHENTICATED}, got ${describeError(error)}`);
  } else {
    check('binary_unauthenticated', false, `expected code=${UNAUTHENTICATED}, got an answer ${JSON.stringify(reply)}`);
  }

  console.log(`checks: ${passed} ok, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch(error => {
  console.log(`FAIL unexpected: ${error.stack ?? error}`);
  console.log(`checks: ${passed} ok, ${failed + 1} failed`);
  process.exit(1);
});
