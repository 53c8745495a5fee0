'use strict';
/*
 * Checks the gRPC transport with @grpc/grpc-js, a pure JavaScript HTTP/2 client independent of grpc-core.
 *
 * Usage: node grpc_js_wire.js <port> <standard-port> <bearer-token>
 *   <port>           the transport test server (TestEcho of test_echo.proto, every method open)
 *   <standard-port>  the server wired as the host wires it: grpc.health.v1.Health, and TestEcho/Fail that needs a
 *                    bearer token and fails with a rich error (google.rpc.Status in grpc-status-details-bin)
 *   <bearer-token>   a valid token for <standard-port>
 * Prints one line per check ("ok <name>" or "FAIL <name>: <why>") and a summary; exits 1 if a check failed,
 * 2 on bad arguments, 3 when node_modules is missing (scripts/test.sh runs npm ci here).
 */
const path = require('node:path');

let grpc;
let protoLoader;
let protobuf;
try {
  grpc = require('@grpc/grpc-js');
  protoLoader = require('@grpc/proto-loader');
  protobuf = require('protobufjs');
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') {
    throw error;
  }
  console.log(`FAIL setup: node_modules is missing or incomplete in ${__dirname} (${error.message.split('\n')[0]}); ` +
    'run scripts/test.sh, which runs npm ci there');
  process.exit(3);
}

const REPO = path.resolve(__dirname, '..', '..', '..');
const TEST_PROTOS = path.join(REPO, 'tests', 'Grpc.Tests', 'Protos');
const TRANSPORT_PROTOS = path.join(__dirname, 'protos');
const MAX_MESSAGE = 4 * 1024 * 1024;
const CALL_MS = 10000;
const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true };
const CHANNEL_OPTIONS = { 'grpc.enable_http_proxy': 0 };
const Status = grpc.status;

const failures = [];
let passed = 0;

function check(name, condition, why) {
  if (condition) {
    passed++;
    console.log(`ok ${name}`);
  } else {
    failures.push(name);
    console.log(`FAIL ${name}: ${why}`);
  }
}

function codeName(code) {
  return Object.keys(Status).find(key => Status[key] === code) ?? String(code);
}

function describe(result) {
  return result.error
    ? `${codeName(result.error.code)} ${JSON.stringify(result.error.details)}`
    : `OK ${JSON.stringify(result.reply)}`;
}

function deadline(ms = CALL_MS) {
  return Date.now() + ms;
}

/** A unary call that settles once the status is in: reply or error, response headers and trailers. */
function unary(start) {
  return new Promise(resolve => {
    const result = { error: null, reply: null, headers: null, trailers: null };
    const call = start((error, reply) => {
      result.error = error;
      result.reply = reply;
    });
    call.on('metadata', headers => { result.headers = headers; });
    call.on('status', status => {
      result.trailers = status.metadata;
      setImmediate(() => resolve(result));
    });
  });
}

/** A server-streaming call read to its end: the messages and the final status (or error). */
function readStream(call, onMessage = () => {}) {
  return new Promise(resolve => {
    const messages = [];
    let error = null;
    call.on('data', message => {
      messages.push(message);
      onMessage(message, call);
    });
    call.on('error', e => { error = e; });
    call.on('status', status => setImmediate(() => resolve({ messages, error, status })));
  });
}

/** Runs one check; an exception thrown by the client counts as that check's failure. */
async function run(name, body) {
  try {
    await body();
  } catch (error) {
    check(name, false, `threw ${error && error.stack ? error.stack : error}`);
  }
}

function expectCode(name, result, code, details) {
  const ok = result.error !== null && result.error.code === code && (details === undefined || result.error.details === details);
  check(name, ok, `expected ${codeName(code)}${details === undefined ? '' : ` ${JSON.stringify(details)}`}, got ${describe(result)}`);
}

function loadServices() {
  const echo = grpc.loadPackageDefinition(protoLoader.loadSync('test_echo.proto', { ...LOADER_OPTIONS, includeDirs: [TEST_PROTOS] }));
  const health = grpc.loadPackageDefinition(
    protoLoader.loadSync('grpc/health/v1/health.proto', { ...LOADER_OPTIONS, includeDirs: [TRANSPORT_PROTOS] }));
  return { TestEcho: echo.subscriptions.testing.v1.TestEcho, Health: health.grpc.health.v1.Health };
}

/** google.rpc.Status (as in google/rpc/status.proto) and the detail messages of error_details.proto. */
function richErrorTypes() {
  const root = new protobuf.Root();
  root.loadSync([path.join(TRANSPORT_PROTOS, 'google', 'rpc', 'error_details.proto'), 'google/protobuf/any.proto']);
  root.lookup('google.rpc').add(new protobuf.Type('Status')
    .add(new protobuf.Field('code', 1, 'int32'))
    .add(new protobuf.Field('message', 2, 'string'))
    .add(new protobuf.Field('details', 3, 'google.protobuf.Any', 'repeated')));
  return root;
}

function waitForReady(client) {
  return new Promise((resolve, reject) => client.waitForReady(deadline(), error => (error ? reject(error) : resolve())));
}

async function transportChecks(services, target) {
  const echo = new services.TestEcho(target, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  const raw = new grpc.Client(target, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  await waitForReady(echo);
  const bytes = b => b;
  const rawUnary = (method, body) => unary(cb => raw.makeUnaryRequest(method, bytes, bytes, body, new grpc.Metadata(), { deadline: deadline() }, cb));

  await run('echo_ok', async () => {
    const metadata = new grpc.Metadata();
    metadata.add('x-echo-plain', 'abc');
    metadata.add('x-echo-data-bin', Buffer.from([0x00, 0x01, 0xfe, 0xff]));
    const result = await unary(cb => echo.Echo({ text: 'héllo wire' }, metadata, { deadline: deadline() }, cb));
    check('echo_ok', result.error === null && result.reply.text === 'héllo wire', describe(result));
    check('metadata_request_seen_by_handler', result.reply?.metadata['x-echo-plain'] === 'abc',
      `handler saw ${JSON.stringify(result.reply?.metadata)}`);
    const header = key => result.headers?.get(key)[0];
    const trailer = key => result.trailers?.get(key)[0];
    check('metadata_echo_ascii', header('x-echo-plain') === 'abc' && trailer('x-echo-plain') === 'abc',
      `header ${header('x-echo-plain')}, trailer ${trailer('x-echo-plain')}`);
    const binary = Buffer.from([0x00, 0x01, 0xfe, 0xff]);
    check('metadata_echo_binary', binary.equals(header('x-echo-data-bin') ?? Buffer.alloc(0))
      && binary.equals(trailer('x-echo-data-bin') ?? Buffer.alloc(0)),
      `header ${header('x-echo-data-bin')?.toString('hex')}, trailer ${trailer('x-echo-data-bin')?.toString('hex')}`);
  });

  await run('unimplemented_method', async () =>
    expectCode('unimplemented_method', await rawUnary('/subscriptions.testing.v1.TestEcho/NoSuchMethod', Buffer.alloc(0)), Status.UNIMPLEMENTED));
  await run('unimplemented_service', async () =>
    expectCode('unimplemented_service', await rawUnary('/no.such.Service/Call', Buffer.alloc(0)), Status.UNIMPLEMENTED));

  await run('invalid_argument_percent_decoded', async () => {
    const detail = 'prix invalide : 12 € — ünïcode 100% ; a/b?c#d';
    const result = await unary(cb => echo.Fail({ code: Status.INVALID_ARGUMENT, detail }, { deadline: deadline() }, cb));
    expectCode('invalid_argument_percent_decoded', result, Status.INVALID_ARGUMENT, detail);
  });

  await run('unknown_for_throwing_handler', async () => {
    const result = await unary(cb => echo.Throw({ text: 'js' }, { deadline: deadline() }, cb));
    expectCode('unknown_for_throwing_handler', result, Status.UNKNOWN, 'Exception was thrown by handler.');
    const everything = JSON.stringify([result.error?.message, result.headers?.toJSON(), result.trailers?.toJSON()]);
    check('no_internals_leaked', !/hunter2|Password|InvalidOperationException|   at /.test(everything), everything);
  });

  // A request that is not valid protobuf is refused with INVALID_ARGUMENT naming the message type, not the bytes.
  await run('invalid_argument_for_malformed_protobuf', async () =>
    expectCode('invalid_argument_for_malformed_protobuf', await rawUnary('/subscriptions.testing.v1.TestEcho/Echo', Buffer.from([0xff, 0xff, 0xff])), Status.INVALID_ARGUMENT));

  await run('resource_exhausted_request', async () => {
    const result = await unary(cb => echo.Echo({ payload: Buffer.alloc(MAX_MESSAGE + 1) }, { deadline: deadline(30000) }, cb));
    expectCode('resource_exhausted_request', result, Status.RESOURCE_EXHAUSTED);
  });
  await run('resource_exhausted_response', async () => {
    const result = await unary(cb => echo.Big({ size: MAX_MESSAGE + 1 }, { deadline: deadline(30000) }, cb));
    expectCode('resource_exhausted_response', result, Status.RESOURCE_EXHAUSTED);
  });

  // The handler waits for cancellation; the deadline ends the call (grpc-timeout sent by the client).
  await run('deadline_exceeded', async () => {
    const result = await unary(cb => echo.WaitForCancellation({ text: 'js-deadline' }, { deadline: deadline(500) }, cb));
    expectCode('deadline_exceeded', result, Status.DEADLINE_EXCEEDED);
  });

  // Client cancellation (RST_STREAM) after the first streamed message.
  await run('client_cancellation', async () => {
    const call = echo.Hold({ text: 'js-hold' }, { deadline: deadline(30000) });
    const result = await readStream(call, (message, held) => held.cancel());
    check('client_cancellation', result.messages.length === 1 && result.messages[0].text === 'started'
      && result.error?.code === Status.CANCELLED,
      `messages ${JSON.stringify(result.messages.map(m => m.text))}, error ${result.error ? codeName(result.error.code) : 'none'}`);
  });

  await run('server_streaming', async () => {
    const result = await readStream(echo.Count({ count: 5 }, { deadline: deadline() }));
    const texts = result.messages.map(m => m.text);
    check('server_streaming', JSON.stringify(texts) === '["0","1","2","3","4"]' && result.error === null && result.status.code === Status.OK,
      `messages ${JSON.stringify(texts)}, status ${codeName(result.status.code)} ${result.status.details}`);
  });
  await run('server_streaming_failure', async () => {
    const result = await readStream(echo.Count({ count: 2, fail_code: Status.FAILED_PRECONDITION }, { deadline: deadline() }));
    const texts = result.messages.map(m => m.text);
    check('server_streaming_failure', JSON.stringify(texts) === '["0","1"]' && result.error?.code === Status.FAILED_PRECONDITION
      && result.error.details === 'failed after 2 messages',
      `messages ${JSON.stringify(texts)}, error ${result.error ? describe({ error: result.error }) : 'none'}`);
  });

  await run('duplex_streaming', async () => {
    const chat = echo.Chat({ deadline: deadline() });
    const reading = readStream(chat);
    for (const text of ['a', 'b', 'c']) {
      chat.write({ text });
    }
    chat.end();
    const result = await reading;
    const texts = result.messages.map(m => m.text);
    check('duplex_streaming', JSON.stringify(texts) === '["a","b","c","done:3"]' && result.status.code === Status.OK,
      `messages ${JSON.stringify(texts)}, status ${codeName(result.status.code)}`);
  });

  echo.close();
  raw.close();
}

async function compressionChecks(services, target) {
  // A gzip channel: grpc-js sends grpc-encoding: gzip with compressed messages.
  const gzip = new services.TestEcho(target, grpc.credentials.createInsecure(),
    { ...CHANNEL_OPTIONS, 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
  await run('gzip_request', async () => {
    const text = 'compressible '.repeat(400);
    const first = await unary(cb => gzip.Echo({ text }, { deadline: deadline() }, cb));
    const second = await unary(cb => gzip.Echo({ text }, { deadline: deadline() }, cb));
    check('gzip_request', first.reply?.text === text && second.reply?.text === text,
      `first ${first.error ? describe(first) : `${first.reply.text.length} chars`}, second ${second.error ? describe(second) : `${second.reply.text.length} chars`}`);
  });
  gzip.close();

  // The server serves deflate as well as gzip (Grpc.AspNetCore's default providers): a deflate-compressed request is answered.
  const deflate = new services.TestEcho(target, grpc.credentials.createInsecure(),
    { ...CHANNEL_OPTIONS, 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.deflate });
  await run('deflate_request', async () => {
    const result = await unary(cb => deflate.Echo({ text: 'deflate?' }, { deadline: deadline() }, cb));
    check('deflate_request', !result.error && result.reply?.text === 'deflate?', describe(result));
  });
  deflate.close();
}

async function standardChecks(services, target, token) {
  const health = new services.Health(target, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  const echo = new services.TestEcho(target, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  await waitForReady(health);

  await run('health_check_serving', async () => {
    const result = await unary(cb => health.Check({ service: '' }, { deadline: deadline() }, cb));
    check('health_check_serving', result.error === null && result.reply.status === 'SERVING', describe(result));
  });

  await run('rich_error_details', async () => {
    const metadata = new grpc.Metadata();
    metadata.add('authorization', `Bearer ${token}`);
    const result = await unary(cb => echo.Fail({ detail: 'SUB-6: refused' }, metadata, { deadline: deadline() }, cb));
    const trailer = result.error?.metadata.get('grpc-status-details-bin')[0];
    if (!Buffer.isBuffer(trailer)) {
      check('rich_error_details', false, `${describe(result)} without grpc-status-details-bin; metadata ${JSON.stringify(result.error?.metadata.toJSON())}`);
      return;
    }
    const types = richErrorTypes();
    const status = types.lookupType('google.rpc.Status').decode(trailer);
    const details = Object.fromEntries(status.details.map(any => {
      const name = any.type_url.split('/').pop();
      return [name, types.lookupType(name).decode(any.value)];
    }));
    const info = details['google.rpc.ErrorInfo'];
    const violation = details['google.rpc.PreconditionFailure']?.violations[0];
    check('rich_error_details', result.error.code === Status.FAILED_PRECONDITION && status.code === result.error.code
      && status.message === result.error.details && info?.reason === 'SUB-6' && info?.domain === 'subscriptions' && violation?.type === 'SUB-6',
      `${describe(result)}; status ${JSON.stringify(status)}`);
  });

  health.close();
  echo.close();
}

async function main(argv) {
  const [port, standardPort, token] = argv;
  if (!/^\d+$/.test(port ?? '') || !/^\d+$/.test(standardPort ?? '') || !token) {
    console.log('usage: node grpc_js_wire.js <port> <standard-port> <bearer-token>');
    return 2;
  }

  const services = loadServices();
  console.log(`client @grpc/grpc-js ${require('@grpc/grpc-js/package.json').version} on node ${process.versions.node}`);
  await transportChecks(services, `127.0.0.1:${port}`);
  await compressionChecks(services, `127.0.0.1:${port}`);
  await standardChecks(services, `127.0.0.1:${standardPort}`, token);
  console.log(`checks: ${passed} ok, ${failures.length} failed`);
  return failures.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  code => { process.exitCode = code; },
  error => {
    console.log(`FAIL run: ${error && error.stack ? error.stack : error}`);
    process.exitCode = 1;
  });
