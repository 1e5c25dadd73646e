// Builds the dashboard into dist/web, which `lifeboat serve` hands out at `/`.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  // Relative asset URLs: the page works wherever the server mounts it.
  base: "./",
  plugins: [react()],
  // `npx vite --config web/vite.config.ts` for hot reload against a running `lifeboat serve`.
  server: {
    proxy: { "/api": process.env.LIFEBOAT_API ?? "http://127.0.0.1:8080" },
  },
  build: {
    outDir: here("../dist/web"),
    emptyOutDir: true,
    // Source maps help a 3 a.m. bug report; the bundle is small either way.
    sourcemap: true,
  },
});
