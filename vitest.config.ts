import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // without ESPRUINO_BIN, says once that the real-interpreter suites are skipped
    globalSetup: ["test/interpreter/global-setup.ts"],
  },
});
