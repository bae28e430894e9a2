// Who is signed in: the admin token (kept for this tab only) and whether the gateway accepts it.
import { Api, ApiError } from './api.js';

const STORAGE_KEY = 'localmcp-admin-token';

export type SessionStatus = 'checking' | 'signed-out' | 'signed-in' | 'unreachable';

export class Session {
  token = $state<string | undefined>(sessionStorage.getItem(STORAGE_KEY) ?? undefined);
  status = $state<SessionStatus>('checking');
  /** Why the last sign-in failed, for the login form. */
  problem = $state('');
  readonly api = new Api(() => this.token);

  /** Asks the gateway whether the current token (or none, on loopback) is enough. */
  async check(): Promise<void> {
    this.status = 'checking';
    try {
      await this.api.get('/overview');
      this.status = 'signed-in';
      this.problem = '';
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        this.status = 'signed-out';
        this.problem = this.token ? error.message : '';
      } else {
        this.status = 'unreachable';
        this.problem = error instanceof Error ? error.message : String(error);
      }
    }
  }

  async signIn(token: string): Promise<boolean> {
    this.token = token.trim() || undefined;
    await this.check();
    if (this.status === 'signed-in' && this.token) sessionStorage.setItem(STORAGE_KEY, this.token);
    return this.status === 'signed-in';
  }

  /** The gateway stopped accepting the token (it restarted with another one, say). */
  expired(message: string): void {
    this.status = 'signed-out';
    this.problem = message;
  }

  signOut(): void {
    sessionStorage.removeItem(STORAGE_KEY);
    this.token = undefined;
    this.problem = '';
    this.status = 'signed-out';
  }
}
