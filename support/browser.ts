/**
 * Headless Chromium from Debian's `chromium` package (never a downloaded browser), driven by
 * playwright-core. The flags keep it from reaching Google's hosts; --no-sandbox because CI runs as root.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ANIREC_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no browser at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install chromium), or set ANIREC_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
