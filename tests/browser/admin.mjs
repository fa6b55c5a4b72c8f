#!/usr/bin/env node
// Drives Broadsheet's admin in headless Chromium, as an editor would, through one scenario.
//
//   node admin.mjs --url http://127.0.0.1:8080 --user ana --password '…' --scenario publish
//   node admin.mjs … --scenario approve --text 'A held reply' --story /stories/welcome
//   node admin.mjs … --scenario block --domain spam.example --text 'A reply' --story /stories/welcome
//   node admin.mjs --url … --scenario live --text 'A reply' --story /stories/welcome --ready-file F [--handle you@server] [--quote-text 'A quote']
//   node admin.mjs --url … --scenario media --story /stories/welcome   (see media.mjs)
//   node admin.mjs … --scenario desk --story /stories/welcome --featured T --text T --ready-file F   (see desk.mjs)
//   node admin.mjs --url … --scenario where --post URL --other URL --text T   (see where.mjs)
//
// Every page is watched for Content-Security-Policy violations (the `securitypolicyviolation`
// event and Chromium's "Refused to …" console messages); every scenario ends with a step that
// fails if there was any, or if a page opened without the policy.
//
// Each step prints one JSON line to stdout: {"step", "ok", "ms", "url", …}. The exit code is 0
// when every step passed. On a failure the last line has "ok": false with the reason, a
// screenshot and the page's HTML are saved to a fresh temporary folder whose path is printed, and
// the exit code is 1 (2 for bad arguments).
//
// Chromium is Debian's (/usr/bin/chromium, or BROADSHEET_CHROMIUM); playwright-core only drives it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

import { desk } from './desk.mjs';
import { dashboard } from './dashboard.mjs';
import { media } from './media.mjs';
import { where } from './where.mjs';

const CHROMIUM = process.env.BROADSHEET_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** How long one action or check may wait for the page. */
const STEP_TIMEOUT_MS = 15_000;
/** The whole scenario, browser start included. */
const SCENARIO_TIMEOUT_MS = 120_000;

/** A failed expectation: the message says what was expected and what the page showed. */
class CheckFailed extends Error {}

function usage(message) {
  process.stderr.write(
    `${message}\n` +
      'usage: node admin.mjs --url BASE --user NAME --password PW --scenario publish|approve|block|live|media|desk\n' +
      'usage: node admin.mjs --url BASE --user NAME --password PW --scenario publish|approve|block|live|media|dashboard\n' +
      'usage: node admin.mjs --url BASE --user NAME --password PW --scenario publish|approve|block|live|media|where\n' +
      '       [--title T] (publish) [--text T --story PATH] (approve, block) [--domain D] (block)\n',
  );
  process.exit(2);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        url: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        scenario: { type: 'string' },
        title: { type: 'string' },
        text: { type: 'string' },
        story: { type: 'string' },
        domain: { type: 'string' },
        'ready-file': { type: 'string' },
        handle: { type: 'string' },
        'quote-text': { type: 'string' },
        featured: { type: 'string' },
        post: { type: 'string' },
        other: { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    usage(err.message);
  }
  // A reader's scenarios need no editor.
  const reader = ['live', 'media', 'where'].includes(parsed.scenario);
  for (const name of reader ? ['url', 'scenario'] : ['url', 'user', 'password', 'scenario']) {
    if (!parsed[name]) usage(`--${name} is required`);
  }
  const needs = {
    publish: [],
    approve: ['text', 'story'],
    block: ['text', 'story', 'domain'],
    live: ['text', 'story', 'ready-file'],
    media: ['story'],
    desk: ['story', 'text', 'featured', 'ready-file'],
    dashboard: [],
    where: ['post', 'other', 'text'],
  };
  if (!(parsed.scenario in needs)) usage(`unknown scenario ${JSON.stringify(parsed.scenario)}`);
  for (const name of needs[parsed.scenario]) {
    if (!parsed[name]) usage(`the ${parsed.scenario} scenario needs --${name}`);
  }
  parsed.url = parsed.url.replace(/\/+$/, '');
  return parsed;
}

function emit(record) {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** Runs the steps of a scenario in order, reporting each one. */
class Steps {
  constructor(page) {
    this.page = page;
    this.current = 'start';
  }

  async run(name, action) {
    this.current = name;
    const started = Date.now();
    const detail = (await action()) ?? {};
    emit({ step: name, ok: true, ms: Date.now() - started, url: this.page.url(), ...detail });
  }
}

/** Clicks a submit button and waits for the page the form leads to; fails on an error status. */
async function submit(page, button) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    button.click(),
  ]);
  if (response && !response.ok()) {
    const text = (await page.locator('body').innerText().catch(() => '')).trim();
    throw new CheckFailed(
      `the form was answered with ${response.status()} at ${response.url()}: ${text.slice(0, 500)}`,
    );
  }
  return response;
}

/** Opens `path` (or a full URL) and fails unless it answers 200 with a Content-Security-Policy. */
async function open(page, base, path) {
  const target = new URL(path, `${base}/`).toString();
  const response = await page.goto(target, { waitUntil: 'load' });
  if (!response || !response.ok()) {
    throw new CheckFailed(`GET ${target} answered ${response ? response.status() : 'nothing'}`);
  }
  const policy = response.headers()['content-security-policy'] || '';
  for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'"]) {
    if (!policy.split(';').map((d) => d.trim()).includes(directive)) {
      throw new CheckFailed(`${target} has no "${directive}" in its Content-Security-Policy: ${JSON.stringify(policy)}`);
    }
  }
  return response;
}

/** Content-Security-Policy violations seen on any page of the scenario. */
const violations = [];
/** While a step provokes violations on purpose, they are collected here instead. */
let provoked = null;

function record(violation) {
  (provoked ?? violations).push(violation);
}

/** Reports every violation the browser sees: the page's event, and the console's messages. */
async function watchPolicy(context, page) {
  await context.exposeBinding('__broadsheetViolation', ({ page: from }, v) => {
    record({ ...v, page: from ? from.url() : null });
  });
  // Injected by the browser's debugging protocol, so the page's policy does not apply to it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__broadsheetViolation({
        directive: e.effectiveDirective || e.violatedDirective,
        blocked: e.blockedURI,
        sample: e.sample,
        source: e.sourceFile ? `${e.sourceFile}:${e.lineNumber}` : null,
      });
    });
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/Refused to|Content Security Policy/i.test(text)) {
      record({ console: text, page: page.url() });
    }
  });
}

/** The last step of every scenario: no violation anywhere, and no script link on the page. */
async function policyHeld(steps, page) {
  await steps.run('content security policy', async () => {
    // Console messages and events arrive asynchronously; give the last ones a moment.
    await page.waitForTimeout(200);
    if (violations.length) {
      throw new CheckFailed(`the Content-Security-Policy was violated: ${JSON.stringify(violations)}`);
    }
    const scripted = await page.locator('a[href^="javascript:" i], img[src^="javascript:" i]').count();
    if (scripted) throw new CheckFailed(`${scripted} javascript: links on ${page.url()}`);
    return { violations: 0 };
  });
}

/** The visible text of the first element matching `selector`, or fails naming what was missing. */
async function textOf(page, selector, what) {
  const element = page.locator(selector).first();
  try {
    await element.waitFor({ state: 'visible' });
  } catch {
    throw new CheckFailed(`${what} (${selector}) is not on ${page.url()}`);
  }
  return (await element.innerText()).trim();
}

async function login(steps, page, opts) {
  await steps.run('login', async () => {
    await open(page, opts.url, '/admin/login');
    await page.getByLabel('Name', { exact: true }).fill(opts.user);
    await page.getByLabel('Password', { exact: true }).fill(opts.password);
    await submit(page, page.getByRole('button', { name: 'Log in' }));
    const alert = page.getByRole('alert');
    if (await alert.count()) {
      throw new CheckFailed(`logging in failed: ${(await alert.first().innerText()).trim()}`);
    }
    if (new URL(page.url()).pathname !== '/admin') {
      throw new CheckFailed(`logging in led to ${page.url()}, not /admin`);
    }
    await page.getByRole('button', { name: `Log out ${opts.user}` }).waitFor();
    return { user: opts.user };
  });
}

async function publish(steps, page, opts) {
  const title = opts.title || `Night buses return to the river line ${Date.now()}`;
  const body = 'The first bus leaves at *midnight*, the council said.\n\nTickets are unchanged.';
  await login(steps, page, opts);

  await steps.run('write', async () => {
    await page.getByRole('link', { name: 'Write a story' }).first().click();
    await page.waitForURL((url) => url.pathname === '/admin/stories/new');
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Story (Markdown)').fill(body);
    return { title };
  });

  await steps.run('preview', async () => {
    await submit(page, page.getByRole('button', { name: 'Preview' }));
    const heading = await textOf(page, 'section.preview h2', 'the preview');
    if (heading !== title) throw new CheckFailed(`the preview is headed ${JSON.stringify(heading)}`);
    const emphasis = await textOf(page, 'section.preview .e-content em', 'the emphasis in the preview');
    if (emphasis !== 'midnight') {
      throw new CheckFailed(`the preview emphasises ${JSON.stringify(emphasis)}, not "midnight"`);
    }
    const kept = await page.getByLabel('Title', { exact: true }).inputValue();
    if (kept !== title) throw new CheckFailed(`the form lost its title after the preview: ${kept}`);
    if (!(await page.getByLabel('Story (Markdown)').inputValue()).includes('*midnight*')) {
      throw new CheckFailed('the form lost its Markdown after the preview');
    }
    return { emphasis };
  });

  let storyUrl;
  await steps.run('publish', async () => {
    await submit(page, page.getByRole('button', { name: 'Publish' }));
    storyUrl = page.url();
    if (!new URL(storyUrl).pathname.startsWith('/stories/')) {
      throw new CheckFailed(`publishing led to ${storyUrl}, not a story page`);
    }
    const headline = await textOf(page, 'article.story h1.p-name', 'the headline');
    if (headline !== title) throw new CheckFailed(`the story page is headed ${JSON.stringify(headline)}`);
    const emphasis = await textOf(page, 'article.story > .e-content em', 'the rendered body');
    if (emphasis !== 'midnight') {
      throw new CheckFailed(`the story emphasises ${JSON.stringify(emphasis)}, not "midnight"`);
    }
    const text = await textOf(page, 'article.story > .e-content', 'the body');
    if (!text.includes('Tickets are unchanged.') || text.includes('*')) {
      throw new CheckFailed(`the story body reads ${JSON.stringify(text)}`);
    }
    return { story: storyUrl };
  });

  await steps.run('front page', async () => {
    await open(page, opts.url, '/');
    const link = page.locator('ol.stories li.card h2 a', { hasText: title });
    if ((await link.count()) !== 1) {
      throw new CheckFailed(`the front page does not list ${JSON.stringify(title)} once`);
    }
    const href = new URL(await link.getAttribute('href'), page.url()).toString();
    if (href !== storyUrl) throw new CheckFailed(`the front page links the story to ${href}`);
    return { listed: href };
  });
}

async function approve(steps, page, opts) {
  await login(steps, page, opts);

  await steps.run('find held reply', async () => {
    await open(page, opts.url, '/admin/moderation');
    const held = page.locator('li.held', { hasText: opts.text });
    const count = await held.count();
    if (count !== 1) {
      const queue = (await page.locator('main').innerText()).trim();
      throw new CheckFailed(
        `expected one held reply saying ${JSON.stringify(opts.text)}, found ${count}; the page reads:\n${queue}`,
      );
    }
    return { text: opts.text };
  });

  await steps.run('approve', async () => {
    const held = page.locator('li.held', { hasText: opts.text });
    await submit(page, held.getByRole('button', { name: 'Approve', exact: true }));
    if (new URL(page.url()).pathname !== '/admin/moderation') {
      throw new CheckFailed(`approving led to ${page.url()}, not back to the queue`);
    }
    if (await page.locator('li.held', { hasText: opts.text }).count()) {
      throw new CheckFailed('the reply is still waiting after Approve');
    }
  });

  await steps.run('thread view', async () => {
    await open(page, opts.url, `/admin${opts.story}/thread`);
    const item = page.locator('ol.admin-thread li', { hasText: opts.text });
    if (!(await item.count())) {
      throw new CheckFailed(`the story's thread view does not list the approved reply`);
    }
    return { classes: await item.first().getAttribute('class') };
  });

  await steps.run('reply shown', async () => {
    await open(page, opts.url, opts.story);
    await textOf(page, 'article.story h1.p-name', 'the headline');
    const reply = page.locator('section.conversation .e-content', { hasText: opts.text });
    if (!(await reply.count())) {
      const thread = await textOf(page, 'section.conversation', 'the conversation');
      throw new CheckFailed(
        `the approved reply is not in the conversation, which reads:\n${thread}`,
      );
    }
    return { story: page.url() };
  });
}

async function block(steps, page, opts) {
  await login(steps, page, opts);

  await steps.run('block domain', async () => {
    await open(page, opts.url, '/admin/blocks');
    await page.getByLabel('Block a').selectOption('domain');
    await page.getByLabel('Value', { exact: true }).fill(opts.domain);
    await page.getByLabel('Reason (for your notes)').fill('blocked from the browser test');
    await submit(page, page.getByRole('button', { name: 'Block', exact: true }));
    if (new URL(page.url()).pathname !== '/admin/blocks') {
      throw new CheckFailed(`blocking led to ${page.url()}, not back to the blocks page`);
    }
    const row = page.locator('table tbody tr').filter({
      has: page.locator('td', { hasText: new RegExp(`^${escape(opts.domain)}$`) }),
    });
    if ((await row.count()) !== 1) {
      const table = (await page.locator('table').first().innerText()).trim();
      throw new CheckFailed(`the blocks table does not list ${opts.domain} once:\n${table}`);
    }
    const kind = (await row.locator('td').first().innerText()).trim();
    if (kind !== 'domain') throw new CheckFailed(`${opts.domain} is listed as a ${kind} block`);
    return { domain: opts.domain };
  });

  await steps.run('reply gone', async () => {
    await open(page, opts.url, opts.story);
    await textOf(page, 'article.story h1.p-name', 'the headline');
    const body = await page.locator('body').innerText();
    if (body.includes(opts.text)) {
      throw new CheckFailed(`the story page still shows ${JSON.stringify(opts.text)}`);
    }
    return { story: page.url() };
  });
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A reader keeps a story open; a reply accepted meanwhile appears without a reload. The script
 * writes `--ready-file` once the page's live stream is connected, so the test knows when to send.
 */
async function live(steps, page, opts) {
  await steps.run('open story', async () => {
    const stream = page.waitForResponse((r) => r.url().endsWith('/live'), { timeout: 15000 });
    await open(page, opts.url, opts.story);
    const response = await stream;
    if (!response.ok()) throw new CheckFailed(`the live stream answered ${response.status()}`);
    // A mark that a reload would erase.
    await page.evaluate(() => { window.__stillTheSamePage = true; });
    writeFileSync(opts['ready-file'], 'ready');
    return { story: page.url() };
  });

  await steps.run('reply appears live', async () => {
    const reply = page.locator('section.conversation .e-content', { hasText: opts.text });
    try {
      await reply.first().waitFor({ state: 'visible', timeout: 20000 });
    } catch {
      const thread = await textOf(page, 'section.conversation', 'the conversation');
      throw new CheckFailed(`the reply never appeared; the conversation reads:\n${thread}`);
    }
    const same = await page.evaluate(() => window.__stillTheSamePage === true);
    if (!same) throw new CheckFailed('the page was reloaded');
    const links = await reply.first().locator('xpath=ancestor::li[1]').locator('a').evaluateAll(
      (anchors) => anchors.map((a) => a.getAttribute('href')),
    );
    return { links };
  });

  if (opts['quote-text']) {
    await steps.run('quote appears live', async () => {
      const quote = page.locator('section.quotes .e-content', { hasText: opts['quote-text'] });
      try {
        await quote.first().waitFor({ state: 'visible', timeout: 20000 });
      } catch {
        throw new CheckFailed('the quote never appeared under "Quoted by"');
      }
      const same = await page.evaluate(() => window.__stillTheSamePage === true);
      if (!same) throw new CheckFailed('the page was reloaded');
      const heading = await textOf(page, '#quoted-by', 'the "Quoted by" heading');
      if (!heading.includes('(1)')) throw new CheckFailed(`the count reads ${JSON.stringify(heading)}`);
      return { heading };
    });
  }

  // The policy is really enforced: an inline script put into the page does not run, and is
  // reported (so a violation elsewhere would have been seen too).
  await steps.run('inline script refused', async () => {
    const seen = [];
    provoked = seen;
    try {
      await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true;';
        document.body.appendChild(script);
      });
      const deadline = Date.now() + 5000;
      while (seen.length === 0 && Date.now() < deadline) await page.waitForTimeout(50);
      // The event and the console message come separately; let both arrive.
      await page.waitForTimeout(500);
    } finally {
      provoked = null;
    }
    if (await page.evaluate(() => window.__inlineRan === true)) {
      throw new CheckFailed('an inline script ran despite the policy');
    }
    if (!seen.some((v) => /script-src/.test(String(v.directive || v.console || '')))) {
      throw new CheckFailed(`the refused script was not reported: ${JSON.stringify(seen)}`);
    }
    return { reported: seen.length };
  });

  // "Reply from your instance" goes through /interact to the reader's own server: the policy's
  // form-action must let that redirect through.
  if (opts.handle) {
    await steps.run('reply from your instance', async () => {
      await page.getByLabel('Reply from your instance').fill(opts.handle);
      const arrived = (request) =>
        request.isNavigationRequest() && new URL(request.url()).pathname.endsWith('/authorize_interaction');
      const [request] = await Promise.all([
        page.waitForRequest(arrived, { timeout: 10000 }).catch(() => null),
        page.locator('form.interact button[type=submit]').first().click(),
      ]);
      if (!request) {
        throw new CheckFailed(`the form never led to the reader's server; the page is ${page.url()}`);
      }
      return { landed: request.url() };
    });
  }
}

const SCENARIOS = {
  publish,
  approve,
  block,
  live,
  media: (steps, page, opts) => media(steps, page, opts, { open, CheckFailed }),
  desk: (steps, page, opts) => desk(steps, page, opts, { open, login, CheckFailed, writeFileSync }),
  dashboard: (steps, page, opts) => dashboard(steps, page, opts, { open, login, CheckFailed }),
  where: (steps, page, opts) => where(steps, page, opts, { open, CheckFailed }),
};

async function main() {
  const opts = options();
  const profile = mkdtempSync(join(tmpdir(), 'broadsheet-chromium-'));
  let context;
  let steps = { current: 'start chromium' };
  const timer = setTimeout(() => {
    emit({ step: steps.current, ok: false, error: `the scenario took over ${SCENARIO_TIMEOUT_MS} ms` });
    process.exit(1);
  }, SCENARIO_TIMEOUT_MS);
  try {
    const started = Date.now();
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      timeout: 60_000,
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    const page = context.pages()[0] ?? (await context.newPage());
    emit({
      step: 'start chromium',
      ok: true,
      ms: Date.now() - started,
      version: context.browser()?.version() ?? null,
    });
    await watchPolicy(context, page);
    steps = new Steps(page);
    try {
      await SCENARIOS[opts.scenario](steps, page, opts);
      await policyHeld(steps, page);
    } catch (err) {
      await fail(steps.current, err, page);
      return 1;
    }
    emit({ step: 'done', ok: true, scenario: opts.scenario });
    return 0;
  } catch (err) {
    await fail(steps.current, err, null);
    return 1;
  } finally {
    clearTimeout(timer);
    if (context) await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Reports a failed step with a screenshot and the page's HTML, kept in a fresh folder. */
async function fail(step, err, page) {
  const message = err instanceof CheckFailed ? err.message : String(err?.stack || err);
  const record = { step, ok: false, error: message };
  if (page) {
    record.url = page.url();
    const dir = mkdtempSync(join(tmpdir(), 'broadsheet-browser-failure-'));
    const screenshot = join(dir, 'screenshot.png');
    try {
      await page.screenshot({ path: screenshot, fullPage: true, timeout: 10_000 });
      record.screenshot = screenshot;
    } catch (shotErr) {
      record.screenshot_error = String(shotErr);
    }
    try {
      writeFileSync(join(dir, 'page.html'), await page.content());
      record.html = join(dir, 'page.html');
    } catch {
      // The page may be gone; the screenshot (or its error) is reported anyway.
    }
  }
  emit(record);
  process.stderr.write(`FAILED at step "${step}": ${message}\n`);
  if (record.screenshot) process.stderr.write(`screenshot: ${record.screenshot}\n`);
}

process.exitCode = await main();
