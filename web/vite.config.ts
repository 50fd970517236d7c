import { defineConfig } from "vite";

// Built into web/dist, which `canvass serve` serves as static files ([server] web_dir).
// `npm run dev` proxies the API to a running `make demo`.
export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8080",
      "/audit": "http://127.0.0.1:8080",
    },
  },
});
