import { EventEmitter } from 'node:events';

/** An EventEmitter whose event names and listener arguments are checked by the compiler. */
export type EventMap = { [event: string]: (...args: never[]) => void };

export class TypedEmitter<E extends EventMap> {
  private readonly emitter = new EventEmitter();

  on<K extends keyof E & string>(event: K, listener: E[K]): this {
    this.emitter.on(event, listener as unknown as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: E[K]): this {
    this.emitter.once(event, listener as unknown as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: E[K]): this {
    this.emitter.off(event, listener as unknown as (...args: unknown[]) => void);
    return this;
  }

  protected emit<K extends keyof E & string>(event: K, ...args: Parameters<E[K]>): void {
    this.emitter.emit(event, ...args);
  }

  removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.emitter.listenerCount(event);
  }
}
