// The embedded conversation in headless Chromium, on a newsroom's own article page (another
// origin, with a strict Content-Security-Policy of its own that allows only Broadsheet's origin
// for the script and the frame):
//   node embed.mjs --article URL --text 'A live reply' --ready-file F
//                  --later URL --later-title 'Title' --later-ready-file F2 --refused URL [--list URL]
// --article: an article whose story has a threaded conversation; the script writes --ready-file
// once the frame's live stream is open, and waits for a reply reading --text to appear in it.
// --later: an article not imported yet; --later-ready-file is written once its frame says the
// conversation opens shortly, then the story titled --later-title must appear in that frame.
// --refused: a page on an origin Broadsheet does not allow, whose frame must stay empty.
// --list: an article list whose `data-count` tag must become a link reading "N replies".
// Each step prints one JSON line; the exit status is 0 only if every step passed.

import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

const CHROMIUM = process.env.BROADSHEET_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STEP_TIMEOUT_MS = 15_000;
const SCENARIO_TIMEOUT_MS = 150_000;

class CheckFailed extends Error {}

const { values: opts } = parseArgs({
  options: {
    article: { type: 'string' },
    text: { type: 'string' },
    'ready-file': { type: 'string' },
    later: { type: 'string' },
    'later-title': { type: 'string' },
    'later-ready-file': { type: 'string' },
    refused: { type: 'string' },
    list: { type: 'string' },
  },
});

function emit(record) {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

let current = 'start';
async function step(name, action) {
  current = name;
  const started = Date.now();
  const detail = (await action()) ?? {};
  emit({ step: name, ok: true, ms: Date.now() - started, ...detail });
}

/** Policy violations, by the page (host or frame) they happened on. */
const violations = [];
async function watch(context) {
  await context.exposeBinding('__violation', ({ frame }, v) => violations.push({ ...v, frame: frame ? frame.url() : null }));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violation({ directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI });
    });
  });
}

/** The embed's iframe on `page`, its frame once it has loaded our document. */
async function embedFrame(page) {
  const element = page.locator('iframe.broadsheet-embed');
  await element.waitFor({ state: 'attached' });
  const handle = await element.elementHandle();
  const frame = await handle.contentFrame();
  if (!frame) throw new CheckFailed('the iframe has no frame');
  return { element, frame };
}

/** The frame element's height and its document's, once they agree (the resize happened). */
async function heights(element, frame) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let last;
  while (Date.now() < deadline) {
    const box = await element.boundingBox();
    const content = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    last = { frame: Math.round(box.height), content };
    if (Math.abs(last.frame - last.content) <= 2) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new CheckFailed(`the frame's height never followed its content: ${JSON.stringify(last)}`);
}

async function scenario(context) {
  const page = context.pages()[0] ?? (await context.newPage());
  let element, frame, before;
  const stream = page.waitForResponse((r) => r.url().endsWith('/live'), { timeout: STEP_TIMEOUT_MS });
  await step('open article', async () => {
    const response = await page.goto(opts.article, { waitUntil: 'load' });
    const policy = response.headers()['content-security-policy'] || '';
    if (!policy.includes("default-src 'none'")) throw new CheckFailed(`the newsroom's page has no strict policy: ${policy}`);
    ({ element, frame } = await embedFrame(page));
    await frame.locator('section.conversation').waitFor({ state: 'visible' });
    return { frame: frame.url(), title: await element.getAttribute('title') };
  });

  await step('conversation threaded', async () => {
    const nested = await frame.locator('ol.thread > li.reply > ol.thread > li.reply').count();
    if (nested !== 1) throw new CheckFailed(`${nested} nested replies in the frame`);
    const form = await frame.locator('form.interact').count();
    if (form !== 1) throw new CheckFailed('no "reply from your instance" form');
    return { replies: await frame.locator('li.reply').count() };
  });

  await step('height follows content', async () => {
    before = await heights(element, frame);
    if (before.frame <= 240) throw new CheckFailed(`the frame kept its first height: ${JSON.stringify(before)}`);
    return before;
  });

  await step('live stream', async () => {
    const response = await stream;
    if (!response.ok()) throw new CheckFailed(`the live stream answered ${response.status()}`);
    writeFileSync(opts['ready-file'], 'ready');
    return { stream: response.url() };
  });

  await step('reply appears live', async () => {
    await frame.getByText(opts.text).waitFor({ state: 'visible', timeout: 20_000 });
    const after = await heights(element, frame);
    if (after.frame <= before.frame) throw new CheckFailed(`the frame did not grow: ${JSON.stringify({ before, after })}`);
    return { before: before.frame, after: after.frame };
  });

  const later = await context.newPage();
  await step('article not imported yet', async () => {
    await later.goto(opts.later, { waitUntil: 'load' });
    const { frame: waiting } = await embedFrame(later);
    await waiting.getByText('The conversation opens shortly').waitFor({ state: 'visible' });
    writeFileSync(opts['later-ready-file'], 'ready');
    return {};
  });

  await step('imported story appears in the open embed', async () => {
    const { frame: filled } = await embedFrame(later);
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      const { frame: now } = await embedFrame(later);
      const found = await now.locator('.embed-about a', { hasText: opts['later-title'] }).count().catch(() => 0);
      if (found) return { frame: now.url() };
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new CheckFailed(`the story never appeared; the frame shows ${await filled.locator('body').innerText().catch(() => '?')}`);
  });

  if (opts.list) {
    const list = await context.newPage();
    await step('reply count badge', async () => {
      await list.goto(opts.list, { waitUntil: 'load' });
      const badge = list.locator('a.broadsheet-count');
      await badge.waitFor({ state: 'visible' });
      return { text: (await badge.innerText()).trim(), href: await badge.getAttribute('href') };
    });
  }

  const refused = await context.newPage();
  await step('origin not allowed cannot frame it', async () => {
    await refused.goto(opts.refused, { waitUntil: 'load' });
    const element = refused.locator('iframe.broadsheet-embed');
    await element.waitFor({ state: 'attached' });
    await refused.waitForTimeout(2000);
    const frame = await (await element.elementHandle()).contentFrame();
    const shown = frame ? await frame.locator('section.conversation').count().catch(() => 0) : 0;
    if (shown) throw new CheckFailed('the conversation is shown on an origin that may not frame it');
    return { frame: frame ? frame.url() : null };
  });

  await step('content security policy', async () => {
    const refusedOrigin = new URL(opts.refused).origin;
    const unexpected = violations.filter(
      (v) => !(v.frame && v.frame.startsWith(refusedOrigin) && v.directive === 'frame-ancestors') && !/favicon/.test(v.blocked || ''),
    );
    if (unexpected.length) throw new CheckFailed(`policy violations: ${JSON.stringify(unexpected)}`);
    return { violations: violations.length };
  });
}

async function main() {
  for (const name of ['article', 'text', 'ready-file', 'later', 'later-title', 'later-ready-file', 'refused']) {
    if (!opts[name]) {
      process.stderr.write(`usage: node embed.mjs … (missing --${name})\n`);
      return 2;
    }
  }
  const profile = mkdtempSync(join(tmpdir(), 'broadsheet-embed-'));
  const timer = setTimeout(() => {
    emit({ step: current, ok: false, error: `the scenario took over ${SCENARIO_TIMEOUT_MS} ms` });
    process.exit(1);
  }, SCENARIO_TIMEOUT_MS);
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1024, height: 900 },
      timeout: 60_000,
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    await watch(context);
    await scenario(context);
    emit({ step: 'done', ok: true });
    return 0;
  } catch (err) {
    emit({ step: current, ok: false, error: err instanceof CheckFailed ? err.message : String(err?.stack || err) });
    return 1;
  } finally {
    clearTimeout(timer);
    if (context) await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

process.exitCode = await main();
