// Swagger UI's "Try it out" in a real browser against the embedded system: what issue 14 promised a
// reader of /docs. Debian's Chromium (never a downloaded browser) is driven by playwright-core; elements
// are found by role and accessible name, as a person using the page would find them. After "Authorize"
// with a registered user's access token, GET /api/v1/users/me answers 200 with that user; without it, 401.
// jest.config.js leaves this file out, with a notice, where /usr/bin/chromium is missing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { type RunningSystem, startEmbeddedSystem } from '../src/embedded-system.ts';
import { freePorts } from './support/free-ports.ts';
import { JourneyClient, type Session } from './support/journey-client.ts';
import { uniqueName } from './support/journeys.ts';

const CHROMIUM = '/usr/bin/chromium';
const OPERATION = { method: 'GET', path: '/api/v1/users/me' };

describe('Swagger UI in a real browser', () => {
  let dataDir: string;
  let profileDir: string;
  let system: RunningSystem | undefined;
  let browser: BrowserContext | undefined;
  let user: Session;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sg-e2e-swagger-'));
    profileDir = await mkdtemp(join(tmpdir(), 'sg-e2e-chromium-'));
    // Side by side (each takes seconds); whichever started is stopped by afterAll if the other failed.
    const [started, launched] = await Promise.allSettled([
      startEmbeddedSystem({
        plan: {
          namespace: 'scalegram',
          dataDir,
          host: '127.0.0.1',
          ports: await freePorts(),
          logLevel: 'error',
          // As deployed: the page's few calls stay far below every limit.
          rateLimit: true,
        },
      }),
      // A fresh profile directory (Playwright passes it as --user-data-dir): nothing from another run.
      chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-quic',
          '--no-first-run',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
    if (started.status === 'fulfilled') system = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    if (system === undefined) throw new Error('the embedded system did not start');
    user = await new JourneyClient(system.gatewayUrl).register(uniqueName('swagger'), 'correct horse battery staple');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(profileDir, { recursive: true, force: true });
  }, 60_000);

  /** A new page on /docs: Swagger UI keeps an authorisation in the page's memory only, so none carries over. */
  async function openDocs(): Promise<Page> {
    const page = await (browser as BrowserContext).newPage();
    await page.goto(new URL('/docs', (system as RunningSystem).gatewayUrl).href);
    return page;
  }

  /** Expands the operation, presses "Try it out" and "Execute"; returns the live response's status and body. */
  async function tryItOut(page: Page): Promise<{ status: string; body: string }> {
    // Swagger UI names each operation's toggle "<method> <path>", with a zero-width space before each "/".
    const name = `${OPERATION.method.toLowerCase()} ${OPERATION.path.replace(/\//g, '\u200b/')}`;
    const toggle = page.getByRole('button', { name, exact: true });
    await toggle.click();
    const operation: Locator = page.locator('.opblock', { has: toggle });
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const live = operation.getByRole('table').filter({ hasText: 'Response body' });
    const row = live.getByRole('row').nth(1);
    const status = ((await row.getByRole('cell').first().textContent()) ?? '').trim();
    const body = (await row.getByRole('cell').nth(1).locator('pre').first().textContent()) ?? '';
    return { status, body };
  }

  it('answers 200 with the user after "Authorize" with their access token', async () => {
    const page = await openDocs();
    await page.getByRole('button', { name: 'Authorize', exact: true }).click();
    // The dialog has one form per scheme; the bearer one holds the textbox Swagger UI labels so.
    const value = page.getByRole('textbox', { name: 'auth-bearer-value' });
    const bearer = page.locator('form', { has: value });
    await value.fill(user.accessToken);
    await bearer.getByRole('button', { name: 'Apply credentials' }).click();
    // Applied: the form now shows the value masked and offers to remove it (only bearer has one).
    const remove = page.getByRole('button', { name: 'Remove authorization' });
    await remove.waitFor();
    await page.locator('form', { has: remove }).getByRole('button', { name: 'Close' }).click();
    const { status, body } = await tryItOut(page);
    expect(status).toBe('200');
    expect(JSON.parse(body)).toMatchObject({ id: user.userId, username: user.username });
    await page.close();
  }, 60_000);

  it('answers 401 without "Authorize"', async () => {
    const page = await openDocs();
    const { status, body } = await tryItOut(page);
    expect(status).toBe('401');
    expect(JSON.parse(body)).toMatchObject({ status: 401 });
    await page.close();
  }, 60_000);
});
