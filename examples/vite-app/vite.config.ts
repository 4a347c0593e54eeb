import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `localhost` (not 127.0.0.1) for the dev server, so the redirect URI registered at the local
// authorization server, http://localhost:5173/callback, matches what the browser shows.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, host: 'localhost', strictPort: true },
  preview: { port: 5173 },
  build: { outDir: 'dist' },
});
