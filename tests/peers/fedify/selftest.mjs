// Checks the peer against itself: two instances, A and B, federating over loopback.
//
//   node selftest.mjs
//
// A follows B (B accepts on its own, A records the Accept), A replies to a note B wrote
// (B records the Create), A unfollows B (B records the Undo). Exits 0 on success, 1 otherwise.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import process from "node:process";

const PEER = fileURLToPath(new URL("./peer.mjs", import.meta.url));
const children = [];

function start(name) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PEER, "--port", "0"], {
      stdio: ["ignore", "pipe", process.env.TEST_LOG ? "inherit" : "ignore"],
    });
    children.push(child);
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s`)), 30_000);
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code} before it was listening`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve({ name, url: JSON.parse(line).url });
    });
  });
}

async function call(peer, method, path, body) {
  const response = await fetch(peer.url + path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body == null ? undefined : JSON.stringify(body),
  });
  const value = await response.json();
  if (!response.ok) throw new Error(`${peer.name} ${method} ${path}: ${response.status} ${JSON.stringify(value)}`);
  return value;
}

async function waitFor(peer, what, pred, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let activities = [];
  while (Date.now() < deadline) {
    ({ activities } = await call(peer, "GET", "/control/inbox"));
    const found = activities.find(pred);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${peer.name} never received ${what}; it got: ${JSON.stringify(activities, null, 2)}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/activity+json" } });
  check(response.ok, `GET ${url}: ${response.status}`);
  check(
    response.headers.get("content-type")?.startsWith("application/activity+json"),
    `GET ${url}: content-type ${response.headers.get("content-type")}`,
  );
  return response.json();
}

async function main() {
  const [a, b] = await Promise.all([start("A"), start("B")]);
  const actorA = `${a.url}/users/reader`;
  const actorB = `${b.url}/users/reader`;
  console.log(`A at ${a.url}, B at ${b.url}`);

  // The documents a remote server fetches.
  const person = await getJson(actorB);
  check(person.type === "Person" && person.id === actorB, `B's actor: ${JSON.stringify(person)}`);
  check(person.publicKey?.id === `${actorB}#main-key`, "B's actor has no #main-key");
  const host = new URL(b.url).host;
  const finger = await (await fetch(`${b.url}/.well-known/webfinger?resource=acct:reader@${host}`)).json();
  check(finger.links?.some((l) => l.rel === "self" && l.href === actorB), `WebFinger: ${JSON.stringify(finger)}`);

  // Follow, and the automatic Accept.
  const follow = await call(a, "POST", "/control/follow", { actor: actorB });
  check(typeof follow.id === "string", `follow answered ${JSON.stringify(follow)}`);
  const gotFollow = await waitFor(b, "the Follow", (x) => x.type === "Follow" && x.id === follow.id);
  check(gotFollow.actor === actorA && gotFollow.object === actorB, `B's Follow: ${JSON.stringify(gotFollow)}`);
  const accept = await waitFor(a, "an Accept", (x) => x.type === "Accept" && x.actor === actorB);
  const acceptedId = typeof accept.object === "string" ? accept.object : accept.object?.id;
  check(acceptedId === follow.id, `the Accept is of ${acceptedId}, not ${follow.id}`);
  const followers = await getJson(`${actorB}/followers`);
  check(followers.totalItems === 1, `B's followers: ${JSON.stringify(followers)}`);
  const { following } = await call(a, "GET", "/control/following");
  check(following[0]?.state === "accepted", `A's following: ${JSON.stringify(following)}`);
  console.log("ok: A follows B; B accepted");

  // A reply to a note of B's.
  const note = await call(b, "POST", "/control/note", { content: "<p>A note from B</p>" });
  const noteJson = await getJson(note.id);
  check(noteJson.type === "Note" && noteJson.attributedTo === actorB, `B's note: ${JSON.stringify(noteJson)}`);
  const reply = await call(a, "POST", "/control/reply", {
    inReplyTo: note.id,
    content: "<p>A reply from A</p>",
    to: actorB,
  });
  const create = await waitFor(b, "the Create", (x) => x.type === "Create" && x.id === reply.activity);
  check(create.actor === actorA, `Create actor ${create.actor}`);
  check(create.object?.id === reply.id, `Create object ${JSON.stringify(create.object)}`);
  check(create.object?.inReplyTo === note.id, `inReplyTo ${create.object?.inReplyTo}`);
  check(create.object?.content === "<p>A reply from A</p>", `content ${create.object?.content}`);
  const replyJson = await getJson(reply.id);
  check(replyJson.inReplyTo === note.id, `the reply as served: ${JSON.stringify(replyJson)}`);
  const activityJson = await getJson(reply.activity);
  check(activityJson.type === "Create", `the Create as served: ${JSON.stringify(activityJson)}`);
  console.log("ok: B received A's reply");

  // Looking a document up through Fedify, signed and not.
  const looked = await call(a, "POST", "/control/lookup", { url: note.id, signed: true });
  check(looked.type === "Note" && looked.object.id === note.id, `lookup: ${JSON.stringify(looked)}`);

  // Unfollow.
  const undo = await call(a, "POST", "/control/unfollow", { actor: actorB });
  const gotUndo = await waitFor(b, "the Undo", (x) => x.type === "Undo" && x.id === undo.id);
  check(gotUndo.object?.id === follow.id, `Undo object ${JSON.stringify(gotUndo.object)}`);
  check((await getJson(`${actorB}/followers`)).totalItems === 0, "B still lists A as a follower");
  console.log("ok: A unfollowed B");

  // Errors are JSON with a reason.
  const bad = await fetch(`${a.url}/control/follow`, {
    method: "POST",
    body: JSON.stringify({ actor: `${b.url}/users/nobody` }),
  });
  check(bad.status === 502 && typeof (await bad.json()).error === "string", `follow of nobody: ${bad.status}`);

  await call(b, "POST", "/control/reset");
  check((await call(b, "GET", "/control/inbox")).activities.length === 0, "reset left activities");
  console.log("ok: errors and reset");
}

let code = 0;
try {
  await main();
  console.log("selftest passed");
} catch (error) {
  console.error(`selftest failed: ${error?.stack ?? error}`);
  code = 1;
} finally {
  for (const child of children) child.kill();
}
process.exit(code);
