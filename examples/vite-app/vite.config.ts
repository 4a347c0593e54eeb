import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served as a site that isolates itself would be: the app keeps its opener-less browsing context
// group, yet may open the sign-in popup (loginWithPopup) and hear back from it.
const headers = { 'Cross-Origin-Opener-Policy': 'same-origin-allow-popups' };

// `localhost` (not 127.0.0.1) for the dev server, so the redirect URI registered at the local
// authorization server, http://localhost:5173/callback, matches what the browser shows.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, host: 'localhost', strictPort: true, headers },
  preview: { port: 5173, headers },
  build: { outDir: 'dist' },
});
