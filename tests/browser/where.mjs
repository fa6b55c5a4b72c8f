// The `where` scenario of admin.mjs: a reader whose reply never showed up opens "Where's my
// reply?", pastes the address of their post, submits the form, and reads its state; a reply
// fetched then and there is linked, and the link leads to it under the story. Then an address
// that is not a reply to our stories is answered as such. The helpers come from admin.mjs.

/** Types `address` into the form, submits it, and returns what the result says. */
async function lookUp(page, address, { CheckFailed }) {
  await page.getByLabel('The address of your post').fill(address);
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('button', { name: 'Find my reply' }).click(),
  ]);
  if (!response || !response.ok()) {
    throw new CheckFailed(`the form was answered with ${response ? response.status() : 'nothing'}`);
  }
  const result = page.locator('section.where-result');
  try {
    await result.waitFor({ state: 'visible' });
  } catch {
    const body = (await page.locator('main').innerText().catch(() => '')).trim();
    throw new CheckFailed(`no result on the page; it reads:\n${body}`);
  }
  return {
    state: await result.getAttribute('data-state'),
    says: (await result.innerText()).trim(),
    kept: await page.getByLabel('The address of your post').inputValue(),
  };
}

export async function where(steps, page, opts, { open, CheckFailed }) {
  await steps.run('open where', async () => {
    await open(page, opts.url, '/');
    // Readers find it from any page's footer.
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('link', { name: "Where's my reply?" }).click(),
    ]);
    if (!new URL(page.url()).pathname.endsWith('/where')) {
      throw new CheckFailed(`the footer link led to ${page.url()}`);
    }
    return { heading: (await page.locator('h1').innerText()).trim() };
  });

  let link;
  await steps.run('paste and submit', async () => {
    const result = await lookUp(page, opts.post, { CheckFailed });
    if (result.state !== 'published') {
      throw new CheckFailed(`expected published, the page says ${result.state}: ${result.says}`);
    }
    if (!/fetched it just now/.test(result.says)) {
      throw new CheckFailed(`the page does not say the reply was fetched now: ${result.says}`);
    }
    link = page.getByRole('link', { name: 'See your reply under the story' });
    return { ...result, href: await link.getAttribute('href') };
  });

  await steps.run('follow the link', async () => {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
    const anchor = new URL(page.url()).hash.slice(1);
    const reply = page.locator(`li#${anchor}`);
    if (!(await reply.count())) throw new CheckFailed(`no ${anchor} on ${page.url()}`);
    const text = (await reply.innerText()).trim();
    if (!text.includes(opts.text)) throw new CheckFailed(`${anchor} reads ${JSON.stringify(text)}`);
    return { anchor };
  });

  await steps.run('not ours', async () => {
    await open(page, opts.url, '/where');
    const result = await lookUp(page, opts.other, { CheckFailed });
    if (result.state !== 'not_ours') {
      throw new CheckFailed(`expected not_ours, the page says ${result.state}: ${result.says}`);
    }
    if (result.kept !== opts.other) throw new CheckFailed('the address typed was not kept');
    return result;
  });
}
