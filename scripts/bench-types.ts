/** What `pnpm bench` hands every benchmark module. */
export interface BenchContext {
  /** Smaller sizes for a smoke run (`pnpm bench --quick`); the published figures come from full runs. */
  readonly quick: boolean;
  /** Absolute path of the shared test data folder (`../shared` beside the checkout). */
  readonly sharedDir: string;
  /** Absolute path of the repository root. */
  readonly repoRoot: string;
  /** Progress lines for the person watching (stderr). */
  log(message: string): void;
}

/**
 * A benchmark module: `packages/<name>/bench/index.ts` (or `apps/<name>/bench/index.ts`) default-exports one,
 * or an array of them for several sections.
 */
export interface BenchModule {
  /** Section title in BENCHMARKS.md. */
  readonly title: string;
  /** Sections are sorted by this (then title). */
  readonly order?: number;
  /** Runs the benchmark and returns the section's Markdown body (tables, notes). */
  run(context: BenchContext): Promise<string>;
}
