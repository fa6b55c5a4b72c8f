// The `media` scenario of admin.mjs: a reader opens a story whose replies carry images. A
// sensitive image stays hidden until the reader opens its warning (a <details>, no script); a
// reply with several images shows them in a two-column grid; every image has its alt text and
// loads from the page's own origin. The helpers come from admin.mjs, which runs the scenario.

/** What the page shows of each image: alt text, source, whether it loaded, its box. */
async function images(locator) {
  return locator.evaluateAll((all) =>
    all.map((img) => ({
      alt: img.getAttribute('alt'),
      src: img.getAttribute('src'),
      loaded: img.complete && img.naturalWidth > 0,
      width: Math.round(img.getBoundingClientRect().width),
    })),
  );
}

/** Brings each image into view (they load lazily) and waits until the browser is done with it. */
async function settle(page, locator) {
  for (const img of await locator.all()) {
    await img.scrollIntoViewIfNeeded();
  }
  await page
    .waitForFunction(
      (imgs) => imgs.every((img) => img.complete),
      await locator.elementHandles(),
      { timeout: 5000 },
    )
    .catch(() => {});
}

export async function media(steps, page, opts, { open, CheckFailed }) {
  await steps.run('open story', async () => {
    await open(page, opts.url, opts.story);
    return { story: page.url() };
  });

  const warning = page.locator('section.conversation details.warning.sensitive').first();
  const hidden = warning.locator('.media img');
  await steps.run('sensitive media hidden', async () => {
    if (!(await warning.count())) throw new CheckFailed('no sensitive-media warning on the page');
    const label = (await warning.locator('summary').innerText()).trim();
    if (!label.startsWith('Sensitive content')) {
      throw new CheckFailed(`the warning reads ${JSON.stringify(label)}`);
    }
    if (await warning.evaluate((d) => d.open)) throw new CheckFailed('the warning starts open');
    if (await hidden.first().isVisible()) throw new CheckFailed('the sensitive image is visible');
    return { warning: label };
  });

  await steps.run('sensitive media shown on click', async () => {
    await warning.locator('summary').click();
    await hidden.first().waitFor({ state: 'visible' });
    if (!(await warning.evaluate((d) => d.open))) throw new CheckFailed('the warning did not open');
    await settle(page, hidden);
    return { images: await images(hidden) };
  });

  await steps.run('grid of images', async () => {
    const grid = page.locator('section.conversation .media.media-3').first();
    if (!(await grid.count())) throw new CheckFailed('no three-image grid on the page');
    const style = await grid.evaluate((g) => {
      const css = getComputedStyle(g);
      return { display: css.display, columns: css.gridTemplateColumns.split(' ').length };
    });
    if (style.display !== 'grid' || style.columns !== 2) {
      throw new CheckFailed(`the grid is laid out as ${JSON.stringify(style)}`);
    }
    const cells = grid.locator('img');
    await settle(page, cells);
    const shown = await images(cells);
    if (shown.length !== 3 || shown.some((i) => !i.width)) {
      throw new CheckFailed(`the grid shows ${JSON.stringify(shown)}`);
    }
    return { ...style, images: shown };
  });

  await steps.run('alt text and origin', async () => {
    const all = await images(page.locator('section.conversation img'));
    const base = new URL(opts.url);
    for (const img of all) {
      if (img.alt === null) throw new CheckFailed(`an image has no alt attribute: ${img.src}`);
      if (new URL(img.src, base).origin !== base.origin) {
        throw new CheckFailed(`an image loads from another origin: ${img.src}`);
      }
    }
    return { images: all.length };
  });
}
