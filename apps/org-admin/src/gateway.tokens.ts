export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');
export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');
export const KAFKA_RPC_CLIENT = 'KAFKA_RPC_CLIENT';
export const ENTRA_STATE_STORE = Symbol('ENTRA_STATE_STORE');

/** Gateway settings, read and validated at start-up. */
export interface GatewaySettings {
  publicBaseUrl: string;
  secureCookies: boolean;
  platformAdminToken: string;
  sessionLifetimeSeconds: number;
  entra: {
    authorityHost: string;
    clientId: string;
    clientSecret: string;
    stateSecret: string;
  };
}
