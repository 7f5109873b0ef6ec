import type { FastifyBaseLogger } from 'fastify';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type Bindings = Record<string, unknown>;
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];

const SEVERITY: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * The request logger of a hot route: info and below are dropped (no `incoming request` /
 * `request completed` pair, which at 10k+ requests/s would cost more than the answer), warnings
 * and errors go through the server's logger at its own level, bound to the request id.
 *
 * Fastify builds a pino child per request, which costs about as much as the routing decision;
 * with a route-level `logLevel` it costs more (pino rebuilds the child's methods for the new
 * level). This one is a plain object; the pino child is built only when something is logged.
 */
class QuietRequestLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  // Methods, not fields: nothing to copy into each request's logger.
  trace() {}
  debug() {}
  info() {}
  silent() {}

  warn(...args: unknown[]) {
    this.forward('warn', args);
  }

  error(...args: unknown[]) {
    this.forward('error', args);
  }

  fatal(...args: unknown[]) {
    this.forward('fatal', args);
  }

  /** The server's level, or `warn` when the server logs more than that. */
  get level(): string {
    const own = this.parent.level;
    return (SEVERITY[own] ?? Number.POSITIVE_INFINITY) >= SEVERITY.warn! ? own : 'warn';
  }

  set level(_level: string) {
    // Fixed by construction; pino's interface has a setter.
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.bound().child(bindings, options);
  }

  private bound(): FastifyBaseLogger {
    this.real ??= this.parent.child(this.bindings);
    return this.real;
  }

  private forward(level: Level, args: unknown[]) {
    (this.bound()[level] as (...a: unknown[]) => void)(...args);
  }
}

/** A route's `childLoggerFactory` for hot routes: see `QuietRequestLogger`. */
export function quietChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings): FastifyBaseLogger {
  return new QuietRequestLogger(logger, bindings) as unknown as FastifyBaseLogger;
}
