// End-to-end tests of the gateway's Socket.IO endpoint with the official socket.io-client 4.x.
// Started by gateway/src/test/java/io/pgrealtime/gateway/socketio/JsClientIT.java, which runs a real
// relay, PostgreSQL, Redis and gateway node and passes their addresses in the environment:
//   GATEWAY_URL   http://127.0.0.1:<port>
//   DATABASE_URL  postgresql://… (the table public.js_posts exists with realtime enabled)
//   TOKEN_A, TOKEN_B  JWTs for users "js-a" and "js-b"
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import pg from 'pg';

const URL = process.env.GATEWAY_URL;
const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
await db.connect();

function connect(token, opts = {}) {
  return io(URL, { auth: token === undefined ? {} : { token }, reconnection: false, forceNew: true, ...opts });
}

function once(socket, event, ms = 10000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
    socket.once(event, (...args) => { clearTimeout(t); resolve(args.length > 1 ? args : args[0]); });
  });
}

function collect(socket, event, n, ms = 15000) {
  return new Promise((resolve, reject) => {
    const got = [];
    const t = setTimeout(() => reject(new Error(`got ${got.length} of ${n} '${event}' within ${ms} ms`)), ms);
    const on = (m) => { got.push(m); if (got.length === n) { clearTimeout(t); socket.off(event, on); resolve(got); } };
    socket.on(event, on);
  });
}

const call = (socket, event, payload) => socket.timeout(10000).emitWithAck(event, payload);

let nextId = 1;
async function insert(n, title = 'x') {
  const first = nextId;
  nextId += n;
  await db.query('INSERT INTO public.js_posts SELECT g, $1 FROM generate_series($2::int, $3::int) g', [title, first, first + n - 1]);
  return first;
}

test('default transports: polling first, then the upgrade to websocket', async () => {
  const s = connect(process.env.TOKEN_A, { autoConnect: false });
  try {
    const transports = [];
    const upgraded = new Promise((resolve) => {
      s.io.on('open', () => {
        transports.push(s.io.engine.transport.name);
        s.io.engine.on('upgrade', (t) => { transports.push(t.name); resolve(); });
      });
    });
    s.connect();
    const hello = await once(s, 'connected');
    assert.equal(hello.userId, 'js-a');
    await upgraded;
    assert.deepEqual(transports, ['polling', 'websocket']);
    assert.equal(s.io.engine.transport.name, 'websocket');
  } finally {
    s.close();
  }
});

test("transports: ['websocket'] connects without polling", async () => {
  const s = connect(process.env.TOKEN_A, { transports: ['websocket'] });
  await once(s, 'connect');
  assert.equal(s.io.engine.transport.name, 'websocket');
  s.close();
});

test('a bad token is refused with connect_error UNAUTHORIZED', async () => {
  const s = connect('not-a-jwt');
  const err = await once(s, 'connect_error');
  assert.equal(err.message, 'UNAUTHORIZED');
  assert.equal(err.data.code, 'UNAUTHORIZED');
  assert.equal(s.connected, false);
  s.close();
});

test('subscribe acks, then insert/update/delete events with the row', async () => {
  const s = connect(process.env.TOKEN_A);
  await once(s, 'connect');
  const ack = await call(s, 'subscribe', { collection: 'js_posts' });
  assert.equal(ack.status, 'success');
  assert.equal(ack.collection, 'js_posts');
  assert.equal(ack.data.subscriptionId, ack.subscriptionId);
  const inserted = once(s, 'js_posts:insert');
  const id = await insert(1, 'hello');
  const ev = await inserted;
  assert.equal(ev.action, 'insert');
  assert.equal(ev.collection, 'js_posts');
  assert.deepEqual(ev.data, { id, title: 'hello' });
  assert.match(ev.id, /^\d+-\d+$/);
  const updated = once(s, 'js_posts:update');
  await db.query('UPDATE public.js_posts SET title = $1 WHERE id = $2', ['hello!', id]);
  assert.equal((await updated).data.title, 'hello!');
  const deleted = once(s, 'js_posts:delete');
  await db.query('DELETE FROM public.js_posts WHERE id = $1', [id]);
  assert.equal((await deleted).data.id, id);
  const bad = await call(s, 'subscribe', { collection: 'no_such_table' });
  assert.equal(bad.status, 'error');
  assert.equal(bad.error.code, 'RESOURCE_NOT_FOUND');
  s.close();
});

test('rooms: join, message to every member with the sender, leave', async () => {
  const a = connect(process.env.TOKEN_A);
  const b = connect(process.env.TOKEN_B, { transports: ['websocket'] });
  await Promise.all([once(a, 'connect'), once(b, 'connect')]);
  assert.deepEqual(await call(a, 'room:join', { room: 'js-room' }), { status: 'success', room: 'js-room' });
  const joined = once(a, 'room:user:joined');
  await call(b, 'room:join', { room: 'js-room' });
  assert.equal((await joined).userId, 'js-b');
  const toA = once(a, 'room:chat');
  const toB = once(b, 'room:chat');
  assert.equal((await call(b, 'room:message', { room: 'js-room', event: 'chat', payload: { text: 'hi' } })).status, 'success');
  for (const m of await Promise.all([toA, toB])) {
    assert.equal(m.room, 'js-room');
    assert.equal(m.sender.userId, 'js-b');
    assert.deepEqual(m.payload, { text: 'hi' });
  }
  const left = once(a, 'room:user:left');
  await call(b, 'room:leave', { room: 'js-room' });
  assert.equal((await left).userId, 'js-b');
  a.close();
  b.close();
});

test('reconnect with restore-subscriptions and since: no event lost, none twice', async () => {
  const first = connect(process.env.TOKEN_A);
  await once(first, 'connect');
  await call(first, 'subscribe', { collection: 'js_posts' });
  const seen = once(first, 'js_posts:insert');
  await insert(1, 'before');
  const lastId = (await seen).id;
  first.close();

  const missedFrom = await insert(25, 'missed');
  const again = connect(process.env.TOKEN_A);
  await once(again, 'connect');
  const events = collect(again, 'js_posts:insert', 25);
  const r = await call(again, 'restore-subscriptions', { subscriptions: [{ collection: 'js_posts', since: lastId }] });
  assert.equal(r.restored.length, 1);
  assert.equal(r.restored[0].recovered, true);
  assert.equal(r.failed.length, 0);
  const ids = (await events).map((e) => e.data.id);
  assert.deepEqual(ids, Array.from({ length: 25 }, (_, i) => missedFrom + i));
  const live = once(again, 'js_posts:insert');
  const next = await insert(1, 'live');
  assert.equal((await live).data.id, next);
  again.close();
});

test.after(async () => {
  await db.end();
});
