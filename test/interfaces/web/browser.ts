/**
 * Headless Chromium from Debian's `chromium` package (never a downloaded browser), driven by
 * playwright-core. The flags keep it from reaching Google's hosts; --no-sandbox because CI runs as root.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ANIREC_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
