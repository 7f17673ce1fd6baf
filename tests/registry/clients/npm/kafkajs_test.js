// npm @kafkajs/confluent-schema-registry (4.x, Avro through avsc) against
// `sluice registry serve`: register, encode, decode, a BACKWARD evolution v1 -> v2,
// refusal of a breaking change, and messages crossing between avsc and our C++ serde
// (`sluice registry encode` / `decode`).
//
// Run: SLUICE_BINARY=build/src/cli/sluice node kafkajs_test.js   (after `npm ci`)
'use strict';

const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const {
  SchemaRegistry,
  SchemaType,
  COMPATIBILITY,
} = require('@kafkajs/confluent-schema-registry');

const binary = process.env.SLUICE_BINARY;
if (!binary) {
  console.error('SLUICE_BINARY is not set (the path of the built `sluice`)');
  process.exit(2);
}

const v1 = {
  type: 'record',
  name: 'MovieEvent',
  namespace: 'ev',
  fields: [
    { name: 'movieId', type: 'long' },
    { name: 'title', type: 'string' },
  ],
};
const v2 = {
  ...v1,
  fields: [...v1.fields, { name: 'rating', type: ['null', 'double'], default: null },
    { name: 'genre', type: 'string', default: 'unknown' }],
};
const breaking = {
  ...v1,
  fields: [{ name: 'movieId', type: 'string' }, { name: 'title', type: 'string' }],
};

function startServer() {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, ['registry', 'serve', '--listen', '127.0.0.1:0', '--store',
      'sqlite::memory:'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    proc.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      const m = buffered.match(/(https?:\/\/[0-9.:]+)/);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${buffered}`)));
  });
}

function sluice(url, args, input) {
  const out = spawnSync(binary, ['registry', ...args, '--url', url], { input, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`sluice registry ${args.join(' ')}: ${out.stderr}`);
  return out.stdout;
}

const tests = [];
function test(name, fn) { tests.push({ name, fn }); }

test('register, encode and decode with avsc', async ({ url }) => {
  const registry = new SchemaRegistry({ host: url });
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject: 'movies-value' });
  assert.ok(Number.isInteger(id) && id > 0);
  // kafkajs set the subject's level after the first registration (it got 40408 first).
  const config = await fetch(`${url}/config/movies-value`).then((r) => r.json());
  assert.deepEqual(config, { compatibilityLevel: 'BACKWARD' });

  const payload = { movieId: 42, title: 'Solaris' };
  const encoded = await registry.encode(id, payload);
  assert.equal(encoded[0], 0);
  assert.equal(encoded.readInt32BE(1), id);
  const decoded = await registry.decode(encoded);
  assert.deepEqual({ ...decoded }, payload);

  // A fresh client must fetch the writer schema by id.
  const fresh = new SchemaRegistry({ host: url });
  assert.deepEqual({ ...(await fresh.decode(encoded)) }, payload);
  assert.equal(await fresh.getLatestSchemaId('movies-value'), id);
  assert.equal(await fresh.getRegistryId('movies-value', 1), id);
  assert.equal(await fresh.getRegistryIdBySchema('movies-value',
    { type: SchemaType.AVRO, schema: JSON.stringify(v1) }), id);
  const schema = await fresh.getSchema(id);
  assert.equal(schema.name, 'ev.MovieEvent');
});

test('evolve under BACKWARD: v1 data read as v2, v2 data read as v1', async ({ url }) => {
  const registry = new SchemaRegistry({ host: url });
  const opts = { subject: 'evolve-value', compatibility: COMPATIBILITY.BACKWARD };
  const { id: id1 } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(v1) }, opts);
  const { id: id2 } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(v2) }, opts);
  assert.notEqual(id1, id2);
  const versions = await fetch(`${url}/subjects/evolve-value/versions`).then((r) => r.json());
  assert.deepEqual(versions, [1, 2]);

  const old = await registry.encode(id1, { movieId: 1, title: 'Stalker' });
  const asV2 = await registry.decode(old, { [SchemaType.AVRO]: { readerSchema: v2 } });
  assert.deepEqual({ ...asV2 }, { movieId: 1, title: 'Stalker', rating: null, genre: 'unknown' });

  const newer = await registry.encode(id2, { movieId: 2, title: 'Mirror', rating: 8.1, genre: 'drama' });
  const asV1 = await registry.decode(newer, { [SchemaType.AVRO]: { readerSchema: v1 } });
  assert.deepEqual({ ...asV1 }, { movieId: 2, title: 'Mirror' });

  // Re-registering v2 is idempotent.
  const again = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v2) }, opts);
  assert.equal(again.id, id2);
});

test('a breaking change is refused with 409 naming the field', async ({ url }) => {
  const registry = new SchemaRegistry({ host: url });
  const opts = { subject: 'strict-value', compatibility: COMPATIBILITY.BACKWARD };
  await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, opts);
  await assert.rejects(
    registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, opts),
    (err) => {
      assert.equal(err.status, 409);
      assert.match(err.message, /movieId/);
      return true;
    });
});

test('a subject level that differs from the requested one is reported', async ({ url }) => {
  const registry = new SchemaRegistry({ host: url });
  await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) },
    { subject: 'full-value', compatibility: COMPATIBILITY.FULL });
  await assert.rejects(
    registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v2) },
      { subject: 'full-value', compatibility: COMPATIBILITY.BACKWARD }),
    /Compatibility does not match/);
});

test('avsc decodes what our C++ serializer framed', async ({ url }) => {
  const registry = new SchemaRegistry({ host: url });
  const hex = sluice(url, ['encode', '--topic', 'cross', '--schema', JSON.stringify(v2)],
    '{"movieId": 7, "title": "Ran", "rating": {"double": 9.5}, "genre": "epic"}\n').trim();
  const message = Buffer.from(hex, 'hex');
  assert.deepEqual({ ...(await registry.decode(message)) },
    { movieId: 7, title: 'Ran', rating: 9.5, genre: 'epic' });
  // ... and reads it as v1 through avsc's resolver.
  const asV1 = await registry.decode(message, { [SchemaType.AVRO]: { readerSchema: v1 } });
  assert.deepEqual({ ...asV1 }, { movieId: 7, title: 'Ran' });
});

test('our C++ deserializer decodes what avsc framed, old and new', async ({ url }) => {
  const registry = new SchemaRegistry({ host: url });
  const opts = { subject: 'cross2-value' };
  const { id: id1 } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, opts);
  const { id: id2 } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v2) }, opts);
  const a = await registry.encode(id1, { movieId: 1, title: 'Ikiru' });
  const b = await registry.encode(id2, { movieId: 2, title: 'Kagemusha', rating: 7.5, genre: 'war' });
  const out = sluice(url, ['decode', '--with-id', '--reader', JSON.stringify(v2)],
    `${a.toString('hex')}\n${b.toString('hex')}\n`);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines, [
    { schema_id: id1, value: { movieId: 1, title: 'Ikiru', rating: null, genre: 'unknown' } },
    { schema_id: id2, value: { movieId: 2, title: 'Kagemusha', rating: { double: 7.5 }, genre: 'war' } },
  ]);
});

(async () => {
  const { proc, url } = await startServer();
  let failed = 0;
  try {
    for (const t of tests) {
      try {
        await t.fn({ url });
        console.log(`ok - ${t.name}`);
      } catch (err) {
        failed += 1;
        console.log(`not ok - ${t.name}\n  ${(err && err.stack) || err}`);
      }
    }
  } finally {
    proc.kill('SIGTERM');
  }
  console.log(`${tests.length - failed}/${tests.length} passed`);
  process.exit(failed === 0 ? 0 : 1);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
