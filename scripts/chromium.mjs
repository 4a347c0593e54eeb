// Where Debian's chromium is and how this project launches it, for the end-to-end tests, the
// benchmark and the install check. Flags: headless as root, and no background connections,
// which this machine's closed network refuses.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
