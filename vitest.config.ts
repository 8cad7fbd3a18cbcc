import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // and, without ESPRUINO_BIN, one line saying the real-interpreter suites are skipped
    reporters: ["default", "./test/interpreter/skip-reporter.ts"],
  },
});
