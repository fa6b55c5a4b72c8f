// The `dashboard` scenario of admin.mjs: an editor opens the admin's front page and sees the
// newsroom's numbers as charts the server drew (inline SVG): one bar per day in each per-day
// chart, one point per day on the followers' line, each titled for screen readers, coloured by
// the stylesheet (no inline style). The helpers come from admin.mjs, which runs the scenario.

const BAR_CHARTS = ['replies', 'likes', 'boosts', 'quotes'];
/** Days in every series, today included. */
const DAYS = 30;

/** What one chart shows: its title, its marks, the last mark's label, how it is drawn. */
async function chart(page, id, mark) {
  const svg = page.locator(`svg[aria-labelledby="${id}-title"]`);
  return svg.evaluate((el, selector) => {
    const marks = [...el.querySelectorAll(selector)];
    const last = marks[marks.length - 1];
    const box = el.getBoundingClientRect();
    return {
      title: el.querySelector('title')?.textContent ?? null,
      role: el.getAttribute('role'),
      marks: marks.length,
      last: last?.querySelector('title')?.textContent ?? null,
      fill: last ? getComputedStyle(last).fill : null,
      width: Math.round(box.width),
      height: Math.round(box.height),
      styled: el.querySelectorAll('[style]').length,
    };
  }, mark);
}

export async function dashboard(steps, page, opts, { open, login, CheckFailed }) {
  await login(steps, page, opts);
  await steps.run('open dashboard', async () => {
    await open(page, opts.url, '/admin');
    return {};
  });

  const expected = DAYS;
  const check = (id, drawn) => {
    if (drawn.marks !== expected) {
      throw new CheckFailed(`the ${id} chart draws ${drawn.marks} marks, not ${expected}`);
    }
    if (!drawn.title || drawn.role !== 'img') throw new CheckFailed(`the ${id} chart has no title: ${JSON.stringify(drawn)}`);
    if (!drawn.width || !drawn.height) throw new CheckFailed(`the ${id} chart is not visible`);
    if (drawn.styled) throw new CheckFailed(`the ${id} chart carries inline style`);
    // The accent colour from the stylesheet, not SVG's default black.
    if (!drawn.fill || drawn.fill === 'rgb(0, 0, 0)') {
      throw new CheckFailed(`the ${id} chart is not coloured by the stylesheet: ${drawn.fill}`);
    }
  };

  await steps.run('bar charts drawn', async () => {
    const charts = {};
    for (const id of BAR_CHARTS) {
      charts[id] = await chart(page, id, 'rect.bar');
      check(id, charts[id]);
    }
    return { charts };
  });

  await steps.run('followers line drawn', async () => {
    const followers = await chart(page, 'followers', 'circle.point');
    check('followers', followers);
    const line = await page.locator('svg[aria-labelledby="followers-title"] polyline.trend').count();
    if (line !== 1) throw new CheckFailed(`the followers chart has ${line} lines`);
    return { followers };
  });
}
