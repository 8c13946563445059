// passport-openidconnect 0.1.x ships no type definitions; this declares the parts we use.
declare module 'passport-openidconnect' {
  import { Request } from 'express';

  export interface StateStore {
    store(req: Request, ctx: Record<string, unknown>, appState: unknown, meta: unknown, callback: (error: Error | null, handle?: string) => void): void;
    verify(
      req: Request,
      handle: string,
      callback: (error: Error | null, ctx?: Record<string, unknown> | false, appState?: unknown) => void,
    ): void;
  }

  export interface StrategyOptions {
    issuer: string;
    authorizationURL: string;
    tokenURL: string;
    clientID: string;
    clientSecret: string;
    callbackURL: string;
    scope?: string[];
    nonce?: boolean;
    store?: StateStore;
    skipUserProfile?: boolean;
    passReqToCallback?: boolean;
  }

  export interface OAuth2Client {
    getOAuthAccessToken(
      code: string,
      params: Record<string, string>,
      callback: (error: unknown, accessToken?: string, refreshToken?: string, results?: Record<string, unknown>) => void,
    ): void;
  }

  export class Strategy {
    constructor(options: StrategyOptions, verify: (...args: never[]) => void);
    name: string;
    protected _oauth2: OAuth2Client;
    protected _issuer: string;
    authenticate(req: Request, options?: Record<string, unknown>): void;
    authorizationParams(options: Record<string, unknown>): Record<string, string>;
    error(error: Error): void;
    fail(challenge: unknown, status?: number): void;
  }
}
