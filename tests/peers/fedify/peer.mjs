// An independent ActivityPub peer for Broadsheet's integration tests, built on Fedify.
//
//   node peer.mjs --port N      (0 = any free port)
//
// Listens on 127.0.0.1, prints one line of JSON on stdout once it is listening,
// {"url":"http://127.0.0.1:PORT"}, and logs only to stderr from then on. It has one actor,
// /users/reader, whose HTTP signatures (draft-cavage, rsa-sha256) Fedify makes and checks.
// A plain-JSON control API under /control/ drives it; see README.md.
//
// Environment: FEDIFY_LOG_LEVEL (debug, info, warning, error; default error) sets how much of
// Fedify's own logging reaches stderr.

import { AsyncLocalStorage } from "node:async_hooks";
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import process from "node:process";
import { Writable } from "node:stream";
import {
  Accept,
  Activity,
  Announce,
  Create,
  Delete,
  Endpoints,
  Follow,
  Mention,
  MemoryKvStore,
  Note,
  PUBLIC_COLLECTION,
  Person,
  Reject,
  Undo,
  Update,
  createFederation,
  generateCryptoKeyPair,
  getDocumentLoader,
  isActor,
} from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import { configure, getStreamSink } from "@logtape/logtape";

const IDENTIFIER = "reader";

function parsePort(argv) {
  const i = argv.indexOf("--port");
  const raw = i >= 0 ? argv[i + 1] : "0";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port wants a number from 0 to 65535, not ${JSON.stringify(raw)}`);
  }
  return port;
}

function log(...parts) {
  process.stderr.write(`[fedify-peer] ${parts.join(" ")}\n`);
}

await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: { stderr: getStreamSink(Writable.toWeb(process.stderr)) },
  loggers: [
    { category: "fedify", sinks: ["stderr"], lowestLevel: process.env.FEDIFY_LOG_LEVEL ?? "error" },
    { category: ["logtape", "meta"], sinks: ["stderr"], lowestLevel: "warning" },
  ],
});

// ---- state -------------------------------------------------------------------------------

// Fedify makes 4096-bit RSA keys, which takes a second or more: the server listens meanwhile,
// and whatever needs the key waits for it.
const keyPair = generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
/** Activities received, in arrival order. */
let received = [];
/** Notes this actor wrote, by the {id} of /notes/{id}. */
const notes = new Map();
/** Activities this actor sent, by the {id} of /activities/{id}, and in sending order. */
const sent = new Map();
/** Actors following reader, by actor id: { id, inboxId, endpoints }. */
const followers = new Map();
/** Follows reader sent, by the followed actor's id: { follow, actor, state }. */
const following = new Map();

// ---- federation --------------------------------------------------------------------------

const federation = createFederation({
  kv: new MemoryKvStore(),
  // No queue: every send happens within the call that makes it, and a failure is thrown.
  allowPrivateAddress: true,
  // Fedify's own loader, without the remote-document cache, so a changed document is seen.
  documentLoaderFactory: () => getDocumentLoader({ allowPrivateAddress: true }),
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== IDENTIFIER) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: IDENTIFIER,
      name: "Fedify Reader",
      summary: "A Fedify peer that Broadsheet's tests federate with.",
      url: ctx.getActorUri(identifier),
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      manuallyApprovesFollowers: false,
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === IDENTIFIER ? [await keyPair] : []));

federation.setObjectDispatcher(Note, "/notes/{id}", (ctx, { id }) => {
  const note = notes.get(id);
  return note == null ? null : buildNote(ctx, id, note);
});

federation.setObjectDispatcher(Activity, "/activities/{id}", (_ctx, { id }) => sent.get(id) ?? null);

federation
  .setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
    if (identifier !== IDENTIFIER) return null;
    return { items: [...followers.values()] };
  })
  .setCounter((_ctx, identifier) => (identifier === IDENTIFIER ? followers.size : null));

federation
  .setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) => {
    if (identifier !== IDENTIFIER) return null;
    return { items: [...sent.values()].filter((a) => a instanceof Create).reverse() };
  })
  .setCounter((_ctx, identifier) =>
    identifier === IDENTIFIER ? [...sent.values()].filter((a) => a instanceof Create).length : null
  );

async function record(ctx, activity) {
  const json = await activity.toJsonLd(); // the JSON-LD as received, less any signature
  const entry = {
    type: typeof json?.type === "string" ? json.type : activity.constructor.name,
    id: activity.id?.href ?? null,
    actor: activity.actorId?.href ?? null,
    object: json?.object ?? null,
    activity: json,
    inbox: ctx.recipient == null ? "shared" : ctx.recipient,
    receivedAt: new Date().toISOString(),
  };
  received.push(entry);
  log(`received ${entry.type} ${entry.id} from ${entry.actor} (${entry.inbox} inbox)`);
}

const me = (ctx) => ctx.getActorUri(IDENTIFIER);

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Follow, async (ctx, follow) => {
    await record(ctx, follow);
    if (follow.id == null || follow.objectId?.href !== me(ctx).href) return;
    const follower = await follow.getActor(ctx);
    if (!isActor(follower) || follower.id == null || follower.inboxId == null) {
      log(`cannot accept ${follow.id.href}: its actor has no inbox`);
      return;
    }
    followers.set(follower.id.href, {
      id: follower.id,
      inboxId: follower.inboxId,
      endpoints: follower.endpoints,
    });
    const accept = remember(
      ctx,
      (id) => new Accept({ id, actor: me(ctx), object: follow, to: follower.id }),
    );
    // Sent after the Follow's own request is answered, as a queueing server would.
    setTimeout(() => {
      ctx.sendActivity({ identifier: IDENTIFIER }, follower, accept).then(
        () => log(`accepted ${follow.id.href} with ${accept.id.href}`),
        (error) => log(`sending ${accept.id.href} failed: ${error?.message ?? error}`),
      );
    }, 0);
  })
  .on(Undo, async (ctx, undo) => {
    await record(ctx, undo);
    const object = await undo.getObject(ctx).catch(() => null);
    if (object instanceof Follow && undo.actorId != null) followers.delete(undo.actorId.href);
  })
  .on(Accept, async (ctx, accept) => {
    await record(ctx, accept);
    settleFollow(accept, "accepted");
  })
  .on(Reject, async (ctx, reject) => {
    await record(ctx, reject);
    settleFollow(reject, "rejected");
  })
  .on(Create, record)
  .on(Update, record)
  .on(Delete, record)
  .on(Announce, record)
  .on(Activity, record) // everything else: Like, Move, Block, …
  .onError((_ctx, error) => log(`inbox error: ${error?.stack ?? error}`));

function settleFollow(response, state) {
  for (const entry of following.values()) {
    if (response.objectId?.href === entry.follow.id.href || response.actorId?.href === entry.actor.id.href) {
      entry.state = state;
    }
  }
}

/** Builds an activity with a fresh /activities/{id} id, and keeps it for dereferencing. */
function remember(ctx, build) {
  const key = randomUUID();
  const activity = build(ctx.getObjectUri(Activity, { id: key }));
  sent.set(key, activity);
  return activity;
}

function buildNote(ctx, id, note) {
  return new Note({
    id: ctx.getObjectUri(Note, { id }),
    attribution: me(ctx),
    content: note.content,
    mediaType: "text/html",
    published: note.published,
    url: ctx.getObjectUri(Note, { id }),
    replyTarget: note.inReplyTo == null ? null : new URL(note.inReplyTo),
    to: PUBLIC_COLLECTION,
    ccs: [ctx.getFollowersUri(IDENTIFIER), ...note.cc.map((u) => new URL(u))],
    tags: note.mentions.map((m) => new Mention({ href: new URL(m.href), name: m.name })),
  });
}

// ---- control API -------------------------------------------------------------------------

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function lookupActor(ctx, url) {
  if (typeof url !== "string" || !URL.canParse(url)) {
    throw new HttpError(400, `not a URL: ${JSON.stringify(url)}`);
  }
  let actor;
  try {
    actor = await ctx.lookupObject(url);
  } catch (error) {
    throw new HttpError(502, `looking up ${url} failed: ${error?.message ?? error}`);
  }
  if (!isActor(actor)) {
    throw new HttpError(502, `${url} is not an actor (got ${actor?.constructor?.name ?? "nothing"})`);
  }
  if (actor.id == null || actor.inboxId == null) {
    throw new HttpError(502, `${url} has no id or no inbox`);
  }
  return actor;
}

async function send(ctx, recipient, activity) {
  try {
    await ctx.sendActivity({ identifier: IDENTIFIER }, recipient, activity);
  } catch (error) {
    throw new HttpError(502, `sending ${activity.id.href} failed: ${error?.message ?? error}`);
  }
  log(`sent ${activity.constructor.name} ${activity.id.href} to ${recipient.inboxId.href}`);
}

const control = {
  "POST /control/follow": async (ctx, body) => {
    const actor = await lookupActor(ctx, body.actor);
    const follow = remember(ctx, (id) => new Follow({ id, actor: me(ctx), object: actor.id, to: actor.id }));
    following.set(actor.id.href, { follow, actor, state: "pending" });
    await send(ctx, actor, follow);
    return { id: follow.id.href };
  },

  "POST /control/unfollow": async (ctx, body) => {
    const actor = await lookupActor(ctx, body.actor);
    const entry = following.get(actor.id.href);
    if (entry == null) throw new HttpError(409, `reader does not follow ${actor.id.href}`);
    const undo = remember(ctx, (id) => new Undo({ id, actor: me(ctx), object: entry.follow, to: actor.id }));
    await send(ctx, actor, undo);
    following.delete(actor.id.href);
    return { id: undo.id.href };
  },

  "POST /control/reply": async (ctx, body) => {
    if (typeof body.inReplyTo !== "string" || !URL.canParse(body.inReplyTo)) {
      throw new HttpError(400, "inReplyTo must be a URL");
    }
    if (typeof body.content !== "string") throw new HttpError(400, "content must be a string");
    const actor = await lookupActor(ctx, body.to);
    const handle = `@${actor.preferredUsername ?? "unknown"}@${actor.id.host}`;
    const key = randomUUID();
    notes.set(key, {
      content: body.content,
      published: Temporal.Now.instant(),
      inReplyTo: body.inReplyTo,
      cc: [actor.id.href],
      mentions: [{ href: actor.id.href, name: handle }],
    });
    const note = buildNote(ctx, key, notes.get(key));
    const create = remember(ctx, (id) =>
      new Create({
        id,
        actor: me(ctx),
        object: note,
        to: PUBLIC_COLLECTION,
        ccs: note.ccIds,
        published: note.published,
      })
    );
    await send(ctx, actor, create);
    return { id: note.id.href, activity: create.id.href };
  },

  "POST /control/note": async (ctx, body) => {
    if (typeof body.content !== "string") throw new HttpError(400, "content must be a string");
    const key = randomUUID();
    notes.set(key, { content: body.content, published: Temporal.Now.instant(), inReplyTo: null, cc: [], mentions: [] });
    return { id: ctx.getObjectUri(Note, { id: key }).href };
  },

  // Fetches any document through Fedify's document loader and parses it with Fedify's vocabulary;
  // with "signed": true, the GET is signed with reader's key.
  "POST /control/lookup": async (ctx, body) => {
    if (typeof body.url !== "string" || !URL.canParse(body.url)) throw new HttpError(400, "url must be a URL");
    const options = body.signed ? { documentLoader: await ctx.getDocumentLoader({ identifier: IDENTIFIER }) } : {};
    let object;
    try {
      object = await ctx.lookupObject(body.url, options);
    } catch (error) {
      throw new HttpError(502, `looking up ${body.url} failed: ${error?.message ?? error}`);
    }
    if (object == null) throw new HttpError(502, `${body.url} gave no object Fedify understands`);
    return { type: object.constructor.name, object: await object.toJsonLd({ format: "compact" }) };
  },

  "GET /control/inbox": () => ({ activities: received }),

  "GET /control/following": () => ({
    following: [...following.values()].map((e) => ({ actor: e.actor.id.href, follow: e.follow.id.href, state: e.state })),
    followers: [...followers.keys()],
  }),

  "POST /control/reset": () => {
    received = [];
    return { ok: true };
  },
};

async function handleControl(request) {
  const url = new URL(request.url);
  const handler = control[`${request.method} ${url.pathname}`];
  if (handler == null) return json(404, { error: `no ${request.method} ${url.pathname}` });
  let body = {};
  if (request.method === "POST") {
    const text = await request.text();
    try {
      body = text.trim() === "" ? {} : JSON.parse(text);
    } catch {
      return json(400, { error: "the body is not JSON" });
    }
    if (body == null || typeof body !== "object") return json(400, { error: "the body is not a JSON object" });
  }
  const ctx = federation.createContext(request, undefined);
  try {
    return json(200, await handler(ctx, body));
  } catch (error) {
    const status = error instanceof HttpError ? error.status : 500;
    log(`${request.method} ${url.pathname} -> ${status}: ${error?.stack ?? error}`);
    return json(status, { error: error?.message ?? String(error) });
  }
}

function json(status, value) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

// ---- HTTP server -------------------------------------------------------------------------

let origin; // http://127.0.0.1:PORT, set once listening

async function toRequest(req) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
  return new Request(new URL(req.url, origin), { method: req.method, headers, body });
}

async function handle(request) {
  if (new URL(request.url).pathname.startsWith("/control/")) return handleControl(request);
  return federation.fetch(request, { contextData: undefined });
}

const server = createServer(async (req, res) => {
  try {
    const request = await toRequest(req);
    const response = await handle(request);
    if (process.env.FEDIFY_LOG_REQUESTS) log(`${req.method} ${req.url} -> ${response.status}`);
    res.writeHead(response.status, [...response.headers.entries()].flat());
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    log(`${req.method} ${req.url} failed: ${error?.stack ?? error}`);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
    res.end("internal error");
  }
});

server.listen(parsePort(process.argv), "127.0.0.1", () => {
  origin = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(JSON.stringify({ url: origin }) + "\n");
  log(`listening on ${origin}; actor ${origin}/users/${IDENTIFIER}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
