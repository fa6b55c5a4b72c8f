// The `desk` scenario of admin.mjs. A reader opens a story: the editor's pick is first, in the
// Featured part above the conversation; a long branch is folded behind "show N more" (a
// <details>, no script) and opens on a click. Then an editor keeps the desk's Recent tab open:
// a reply arriving meanwhile appears at the top without a reload (written to --ready-file once
// the desk's stream is connected), and the keyboard hides it (j selects it, h hides it).
// The helpers come from admin.mjs, which runs the scenario.

export async function desk(steps, page, opts, { open, login, CheckFailed, writeFileSync }) {
  await steps.run('open story', async () => {
    await open(page, opts.url, opts.story);
    return { story: page.url() };
  });

  await steps.run('featured part first', async () => {
    const pick = page.locator('section.conversation section.featured li.pick').first();
    if (!(await pick.count())) throw new CheckFailed('no Featured part on the story page');
    const text = (await pick.innerText()).trim();
    if (!text.includes(opts.featured)) throw new CheckFailed(`the Featured part reads ${JSON.stringify(text)}`);
    const heading = (await page.locator('section.featured h3').innerText()).trim();
    const first = await page.evaluate(() => {
      const featured = document.querySelector('section.conversation section.featured');
      const thread = document.querySelector('section.conversation > ol.thread');
      return !!(featured && thread && featured.compareDocumentPosition(thread) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    if (!first) throw new CheckFailed('the Featured part is not above the conversation');
    const box = await pick.boundingBox();
    const marked = await page.locator('section.conversation > ol.thread .badge.featured').count();
    if (!marked) throw new CheckFailed('the pick is not marked Featured in its thread');
    return { heading, text, top: box && Math.round(box.y), marked };
  });

  const more = page.locator('section.conversation details.more').first();
  await steps.run('branch collapsed', async () => {
    if (!(await more.count())) throw new CheckFailed('no folded branch on the page');
    if (await more.evaluate((d) => d.open)) throw new CheckFailed('the folded branch starts open');
    const summary = (await more.locator('summary').innerText()).trim();
    const hidden = more.locator('li.reply').first();
    if (await hidden.isVisible()) throw new CheckFailed('a folded reply is visible');
    return { summary };
  });

  await steps.run('branch expanded', async () => {
    await more.locator('summary').click();
    const folded = more.locator(':scope > ol.thread > li.reply');
    await folded.first().waitFor({ state: 'visible' });
    const shown = await folded.count();
    return { shown, open: await more.evaluate((d) => d.open) };
  });

  await login(steps, page, opts);

  await steps.run('open recent', async () => {
    const stream = page.waitForResponse((r) => r.url().endsWith('/admin/moderation/live'), { timeout: 15000 });
    await open(page, opts.url, '/admin/moderation/recent');
    const response = await stream;
    if (!response.ok()) throw new CheckFailed(`the desk's stream answered ${response.status()}`);
    await page.evaluate(() => { window.__stillTheSamePage = true; });
    writeFileSync(opts['ready-file'], 'ready');
    return { rows: await page.locator('ul.desk > li').count() };
  });

  await steps.run('recent updates live', async () => {
    const row = page.locator('ul.desk > li').first();
    try {
      await page.locator('ul.desk > li', { hasText: opts.text }).first().waitFor({ state: 'visible', timeout: 20000 });
    } catch {
      throw new CheckFailed('the new reply never appeared on the Recent tab');
    }
    const text = (await row.innerText()).trim();
    if (!text.includes(opts.text)) throw new CheckFailed(`the first row reads ${JSON.stringify(text)}`);
    if (!(await page.evaluate(() => window.__stillTheSamePage === true))) {
      throw new CheckFailed('the page was reloaded');
    }
    const token = await row.locator('input[name="csrf"]').first().inputValue();
    if (!token) throw new CheckFailed('the live row has no CSRF token in its forms');
    return { id: await row.getAttribute('data-reply') };
  });

  await steps.run('hidden with the keyboard', async () => {
    await page.keyboard.press('j');
    const current = page.locator('ul.desk > li.current');
    if (!(await current.innerText()).includes(opts.text)) {
      throw new CheckFailed('j did not select the newest reply');
    }
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('h')]);
    const left = await page.locator('ul.desk > li', { hasText: opts.text }).count();
    if (left) throw new CheckFailed('the hidden reply is still listed on the Recent tab');
    return { url: page.url() };
  });
}
