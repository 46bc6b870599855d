/** The page globals pv reads, each possibly absent (in Node, in workers, in older browsers). */
interface PageGlobals {
  readonly location?: { readonly href: string };
  readonly crossOriginIsolated?: boolean;
  readonly navigator?: { readonly hardwareConcurrency?: number };
}

/** `globalThis`, typed so that code reading page globals also compiles (and runs) without the DOM. */
export const pageGlobals: PageGlobals = globalThis as PageGlobals;
