/** A task run every `ms` in the background (not keeping the process alive); errors go to `onError`. */
export class Periodic {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly task: () => Promise<unknown>,
  ) {}

  start(onError: (error: unknown) => void = () => undefined): void {
    this.stop();
    this.timer = setInterval(() => {
      this.task().catch(onError);
    }, this.ms);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
