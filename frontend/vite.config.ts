import { defineConfig } from "vite";

// The production build is package data of the Python server: it goes into
// src/trainboard/server/static/ (git-ignored). `base: "./"` makes every asset URL
// relative, so the board works under any path prefix (e.g. behind a reverse proxy).
//
// `npm run dev` serves the demo (an in-memory fake server with generated data).
// `npm run dev:server` proxies /api to a running `trainboard serve`
// (TRAINBOARD_SERVER, default http://127.0.0.1:6006) instead.
const server = process.env.TRAINBOARD_SERVER ?? "http://127.0.0.1:6006";

export default defineConfig({
  base: "./",
  build: {
    outDir: "../src/trainboard/server/static",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      "/api/live": { target: server.replace(/^http/, "ws"), ws: true },
      "/api": { target: server, changeOrigin: true },
    },
  },
});
