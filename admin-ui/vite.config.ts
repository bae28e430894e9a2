// The admin panel's build: `vite build admin-ui` (part of `npm run build`) writes dist/admin-ui/, which the gateway
// serves at /admin. `vite admin-ui` serves it for development, with /api and the socket proxied to a gateway on
// 127.0.0.1:7420 (LOCALMCP_ADMIN_PROXY to change).
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const gateway = process.env.LOCALMCP_ADMIN_PROXY ?? 'http://127.0.0.1:7420';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: fileURLToPath(new URL('../dist/admin-ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The package ships the panel; source maps would double its size for little use.
    sourcemap: false,
    reportCompressedSize: false,
    // Rolldown warns when plugins take most of a build; compiling Svelte is most of this one, by design.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    proxy: {
      '/api': gateway,
      '/admin/socket.io': { target: gateway, ws: true },
    },
  },
});
