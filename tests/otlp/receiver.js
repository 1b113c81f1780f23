// OTLP/HTTP logs receiver for vigil's tests. Decodes every request with the
// protobufjs code generated from the official opentelemetry-proto files
// (package @opentelemetry/otlp-grpc-exporter-base), independent of vigil's
// encoder, and appends one JSON line per LogRecord to --out.
//   node receiver.js --port N --out FILE [--retry-after-once SECONDS]
'use strict';
const http = require('http');
const fs = require('fs');
const zlib = require('zlib');
const root = require('@opentelemetry/otlp-grpc-exporter-base/build/src/generated/root');

const Req = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
const args = {};
for (let i = 2; i < process.argv.length; i += 2)
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
let retryOnce = args['retry-after-once'] ? Number(args['retry-after-once']) : 0;

// AnyValue as plain JSON: the decoder's object form has one of its oneof fields set.
function plain(v) {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values || []).map(plain);
  if (v.kvlistValue) return attrs(v.kvlistValue.values);
  return null;
}

function attrs(list) {
  const o = {};
  for (const kv of list || []) o[kv.key] = plain(kv.value);
  return o;
}

function handle(req, res, body) {
  if (req.method !== 'POST' || req.url !== '/v1/logs') {
    res.writeHead(404).end();
    return;
  }
  if (retryOnce) {
    fs.appendFileSync(args.out, JSON.stringify({ refused: Date.now() }) + '\n');
    res.writeHead(429, { 'Retry-After': String(retryOnce) }).end();
    retryOnce = 0;
    return;
  }
  if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
  let msg;
  try {
    msg = Req.toObject(Req.decode(body), { longs: String, defaults: false });
  } catch (e) {
    res.writeHead(400).end(String(e));
    return;
  }
  const lines = [];
  for (const rl of msg.resourceLogs || [])
    for (const sl of rl.scopeLogs || [])
      for (const lr of sl.logRecords || [])
        lines.push(JSON.stringify({
          received_ms: Date.now(),
          content_type: req.headers['content-type'],
          gzip: req.headers['content-encoding'] === 'gzip',
          resource: attrs(rl.resource && rl.resource.attributes),
          scope: sl.scope,
          time_unix_nano: lr.timeUnixNano,
          observed_time_unix_nano: lr.observedTimeUnixNano,
          severity_number: lr.severityNumber,
          severity_text: lr.severityText,
          body: plain(lr.body),
          attributes: attrs(lr.attributes),
        }));
  fs.appendFileSync(args.out, lines.map((l) => l + '\n').join(''));
  res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => handle(req, res, Buffer.concat(chunks)));
});
server.listen(Number(args.port || 0), '127.0.0.1', () => {
  process.stdout.write('listening ' + server.address().port + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
