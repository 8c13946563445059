// Directory state of the Entra stand-in: tenants, their users and app assignments, registered
// clients and the RSA signing key shared by every tenant. Kept in memory and, when a data
// directory is given, written to `<dataDir>/state.json` after every change so a restart keeps it.

import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { exportJWK, generateKeyPair } from 'jose';

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UPN_LOCAL_PATTERN = /^[^\s@]+$/;
const STATE_VERSION = 1;

/** Rejected admin input; the admin API turns it into `{code, message, value}` with `status`. */
export class AdminError extends Error {
  constructor(status, code, message, value) {
    super(message);
    this.status = status;
    this.code = code;
    this.value = value;
  }
}

const invalid = (code, message, value) => new AdminError(400, code, message, value);
const notFound = (code, message, value) => new AdminError(404, code, message, value);

function requireObject(body, what) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('invalid_body', `${what} must be a JSON object`, body);
  }
}

function rejectUnknownFields(body, allowed, what) {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw invalid('unknown_field', `${what} has unknown field "${key}"; allowed fields: ${allowed.join(', ')}`, key);
    }
  }
}

function normalizeGuid(value, field) {
  if (typeof value !== 'string' || !GUID_PATTERN.test(value)) {
    throw invalid(`invalid_${field}`, `${field} must be a GUID such as 8eaef023-2b34-4da1-9baa-8bc8c9d6a490`, value);
  }
  return value.toLowerCase();
}

function optionalString(value, field) {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(`invalid_${field}`, `${field} must be a non-empty string or absent`, value);
  }
  return value.trim();
}

function optionalEmail(value) {
  const email = optionalString(value, 'email');
  if (email !== undefined && !EMAIL_PATTERN.test(email)) {
    throw invalid('invalid_email', 'email must look like name@example.com', value);
  }
  return email;
}

function optionalBoolean(value, field) {
  if (value !== undefined && typeof value !== 'boolean') {
    throw invalid(`invalid_${field}`, `${field} must be true or false`, value);
  }
  return value;
}

function validateRedirectUri(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw invalid('invalid_redirect_uri', 'each redirect URI must be an absolute http or https URL', value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('invalid_redirect_uri', 'each redirect URI must be an absolute http or https URL', value);
  }
  if (url.hash) {
    throw invalid('invalid_redirect_uri', 'a redirect URI must not contain a fragment', value);
  }
  return value;
}

async function generateSigningKey() {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: randomUUID().replace(/-/g, ''), alg: 'RS256', use: 'sig' };
}

export class DirectoryState {
  #data;
  #file;
  #logger;

  constructor(data, file, logger) {
    this.#data = data;
    this.#file = file;
    this.#logger = logger;
  }

  /** Loads `<dataDir>/state.json` when it exists, otherwise starts empty with a new signing key. */
  static async open({ dataDir, logger }) {
    const file = dataDir ? join(dataDir, 'state.json') : undefined;

    let data;
    if (file) {
      mkdirSync(dataDir, { recursive: true });
      try {
        data = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        if (error.code !== 'ENOENT') {
          throw new Error(`reading ${file} failed: ${error.message}; fix or delete the file`);
        }
      }
    }
    if (data && data.version !== STATE_VERSION) {
      throw new Error(`${file} has version ${data.version}, expected ${STATE_VERSION}; delete the file to start over`);
    }

    const state = new DirectoryState(
      data ?? { version: STATE_VERSION, signingKeys: [await generateSigningKey()], tenants: {}, clients: {} },
      file,
      logger,
    );
    state.#save();
    logger.info({ file, tenants: Object.keys(state.#data.tenants).length }, 'directory state loaded');
    return state;
  }

  get signingKeys() {
    return this.#data.signingKeys;
  }

  snapshot() {
    const clients = Object.values(this.#data.clients).map(({ clientSecret, ...client }) => ({
      ...client,
      clientSecretSet: Boolean(clientSecret),
    }));
    return { tenants: Object.values(this.#data.tenants), clients };
  }

  tenant(tid) {
    return typeof tid === 'string' ? this.#data.tenants[tid.toLowerCase()] : undefined;
  }

  client(clientId) {
    return typeof clientId === 'string' ? this.#data.clients[clientId] : undefined;
  }

  /** Finds a user by UPN (case-insensitive) in one tenant, or in every tenant when tid is absent. */
  findUserByUpn(upn, tid) {
    const wanted = upn.trim().toLowerCase();
    const tenants = tid ? [this.tenant(tid)].filter(Boolean) : Object.values(this.#data.tenants);
    for (const tenant of tenants) {
      const user = Object.values(tenant.users).find((candidate) => candidate.upn.toLowerCase() === wanted);
      if (user) {
        return { tenant, user };
      }
    }
    return undefined;
  }

  /** Tells whether a user may sign in to a client: assigned, or the client needs no assignment. */
  isAssigned(user, client) {
    return client.assignmentRequired === false || user.assignments[client.clientId] === true;
  }

  createTenant(body) {
    requireObject(body, 'tenant');
    rejectUnknownFields(body, ['tenantId', 'domains'], 'tenant');

    const id = body.tenantId === undefined ? randomUUID() : normalizeGuid(body.tenantId, 'tenantId');
    if (this.#data.tenants[id]) {
      throw invalid('tenant_exists', `tenant ${id} already exists; omit tenantId to generate a new one`, id);
    }
    if (!Array.isArray(body.domains) || body.domains.length === 0) {
      throw invalid('invalid_domains', 'domains must be a non-empty array of domain names such as contoso.com', body.domains);
    }
    const domains = body.domains.map((domain) => {
      if (typeof domain !== 'string' || !DOMAIN_PATTERN.test(domain)) {
        throw invalid('invalid_domain', 'each domain must be a DNS name such as contoso.com', domain);
      }
      const normalized = domain.toLowerCase();
      const owner = Object.values(this.#data.tenants).find((tenant) => tenant.domains.includes(normalized));
      if (owner) {
        throw invalid('domain_taken', `domain ${normalized} is already verified in tenant ${owner.id}`, domain);
      }
      return normalized;
    });

    const tenant = { id, domains: [...new Set(domains)], users: {} };
    this.#data.tenants[id] = tenant;
    this.#save();
    return tenant;
  }

  createUser(tid, body) {
    const tenant = this.#requireTenant(tid);
    requireObject(body, 'user');
    rejectUnknownFields(body, ['oid', 'upn', 'email', 'name', 'upnClaim'], 'user');

    const oid = body.oid === undefined ? randomUUID() : normalizeGuid(body.oid, 'oid');
    if (this.#findUserByOid(oid)) {
      throw invalid('oid_taken', `a user with oid ${oid} already exists; object ids are unique across tenants`, oid);
    }
    const upn = this.#validateUpn(tenant, body.upn);
    const user = {
      oid,
      upn,
      email: optionalEmail(body.email),
      name: optionalString(body.name, 'name') ?? upn,
      upnClaim: optionalBoolean(body.upnClaim, 'upnClaim') ?? false,
      assignments: {},
    };

    tenant.users[oid] = user;
    this.#save();
    return user;
  }

  /** Changes UPN, email (null removes it), name or upnClaim; the oid never changes. */
  updateUser(tid, oid, body) {
    const tenant = this.#requireTenant(tid);
    const user = this.#requireUser(tenant, oid);
    requireObject(body, 'user update');
    rejectUnknownFields(body, ['upn', 'email', 'name', 'upnClaim'], 'user update');

    const next = { ...user };
    if (body.upn !== undefined) {
      next.upn = this.#validateUpn(tenant, body.upn, user.oid);
    }
    if (body.email !== undefined) {
      next.email = optionalEmail(body.email);
    }
    if (body.name !== undefined) {
      next.name = optionalString(body.name, 'name') ?? next.upn;
    }
    if (body.upnClaim !== undefined) {
      next.upnClaim = optionalBoolean(body.upnClaim, 'upnClaim');
    }

    tenant.users[user.oid] = next;
    this.#save();
    return next;
  }

  setAssignment(tid, oid, clientId, body) {
    const tenant = this.#requireTenant(tid);
    const user = this.#requireUser(tenant, oid);
    if (!this.client(clientId)) {
      throw notFound('client_not_found', `client ${clientId} is not registered; register it with POST /_admin/clients first`, clientId);
    }
    requireObject(body, 'assignment');
    rejectUnknownFields(body, ['assigned'], 'assignment');
    if (typeof body.assigned !== 'boolean') {
      throw invalid('invalid_assigned', 'assigned must be true or false', body.assigned);
    }

    user.assignments[clientId] = body.assigned;
    this.#save();
    return { tenantId: tenant.id, oid: user.oid, clientId, assigned: body.assigned };
  }

  /** Registers or replaces a confidential client shared by all tenants, like a multi-tenant app. */
  upsertClient(body) {
    requireObject(body, 'client');
    rejectUnknownFields(body, ['clientId', 'clientSecret', 'redirectUris', 'assignmentRequired'], 'client');

    if (typeof body.clientId !== 'string' || !/^[\w.-]{1,128}$/.test(body.clientId)) {
      throw invalid('invalid_clientId', 'clientId must be 1-128 letters, digits, ".", "_" or "-" (Entra uses a GUID)', body.clientId);
    }
    if (typeof body.clientSecret !== 'string' || body.clientSecret.length < 8) {
      throw invalid('invalid_clientSecret', 'clientSecret must be a string of at least 8 characters', '[redacted]');
    }
    if (!Array.isArray(body.redirectUris) || body.redirectUris.length === 0) {
      throw invalid('invalid_redirectUris', 'redirectUris must be a non-empty array of absolute URLs', body.redirectUris);
    }
    const client = {
      clientId: body.clientId,
      clientSecret: body.clientSecret,
      redirectUris: body.redirectUris.map(validateRedirectUri),
      assignmentRequired: optionalBoolean(body.assignmentRequired, 'assignmentRequired') ?? true,
    };

    this.#data.clients[client.clientId] = client;
    this.#save();
    return client;
  }

  #validateUpn(tenant, value, ownOid) {
    if (typeof value !== 'string') {
      throw invalid('invalid_upn', 'upn must be a string such as alice@contoso.com', value);
    }
    const upn = value.trim();
    const at = upn.lastIndexOf('@');
    const local = upn.slice(0, at);
    const domain = upn.slice(at + 1).toLowerCase();
    if (at <= 0 || !UPN_LOCAL_PATTERN.test(local) || !DOMAIN_PATTERN.test(domain)) {
      throw invalid('invalid_upn', 'upn must look like alice@contoso.com', value);
    }
    if (!tenant.domains.includes(domain)) {
      throw invalid(
        'upn_domain_not_verified',
        `upn domain ${domain} is not a verified domain of tenant ${tenant.id} (verified: ${tenant.domains.join(', ')})`,
        value,
      );
    }
    const existing = this.findUserByUpn(upn);
    if (existing && existing.user.oid !== ownOid) {
      throw invalid('upn_taken', `upn ${upn} already belongs to user ${existing.user.oid} in tenant ${existing.tenant.id}`, value);
    }
    return upn;
  }

  #findUserByOid(oid) {
    return Object.values(this.#data.tenants).find((tenant) => tenant.users[oid]);
  }

  #requireTenant(tid) {
    const tenant = this.tenant(tid);
    if (!tenant) {
      throw notFound('tenant_not_found', `tenant ${tid} does not exist; create it with POST /_admin/tenants`, tid);
    }
    return tenant;
  }

  #requireUser(tenant, oid) {
    const user = typeof oid === 'string' ? tenant.users[oid.toLowerCase()] : undefined;
    if (!user) {
      throw notFound('user_not_found', `user ${oid} does not exist in tenant ${tenant.id}`, oid);
    }
    return user;
  }

  // Writes to a temporary file and renames it, so a crash never leaves a half-written state.json.
  #save() {
    if (!this.#file) {
      return;
    }
    const temporary = `${this.#file}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.#data, null, 2), { mode: 0o600 });
    renameSync(temporary, this.#file);
  }
}
