interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  /** Callers still waiting that could abort; one that cannot (no signal) keeps the work alive for good. */
  abortable: number;
  pinned: boolean;
}

/**
 * Runs one piece of work per key at a time: a caller arriving while the work for its key is under way waits for
 * that work instead of starting its own. Each caller keeps its own cancellation: an aborting caller stops
 * waiting at once, and the shared work is aborted only when every caller waiting on it has aborted.
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();
  /** Callers that joined work already under way. */
  joined = 0;

  get size(): number {
    return this.flights.size;
  }

  has(key: string): boolean {
    return this.flights.has(key);
  }

  /** Runs `work` for `key`, or joins the run under way. Rejects with the signal's reason when `signal` aborts. */
  run(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let flight = this.flights.get(key);
    if (flight) this.joined++;
    else flight = this.start(key, work);
    if (!signal) {
      flight.pinned = true;
      return flight.promise;
    }
    return this.wait(flight, signal);
  }

  private start(key: string, work: (signal: AbortSignal) => Promise<T>): Flight<T> {
    const controller = new AbortController();
    const promise = (async () => {
      try {
        return await work(controller.signal);
      } finally {
        this.flights.delete(key);
      }
    })();
    // Every caller may have left; the outcome then has no reader, which is not an unhandled rejection.
    promise.catch(() => undefined);
    const flight: Flight<T> = { promise, controller, abortable: 0, pinned: false };
    this.flights.set(key, flight);
    return flight;
  }

  private wait(flight: Flight<T>, signal: AbortSignal): Promise<T> {
    flight.abortable++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        reject(signal.reason);
        if (--flight.abortable === 0 && !flight.pinned) flight.controller.abort(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}
