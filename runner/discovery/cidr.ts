/**
 * The IPv4 networks discovery may scan, and the addresses in them it dials.
 *
 * A scan is bounded to a /22 (1024 addresses): large enough for a site's server VLANs, small enough that one
 * request cannot turn the runner into a sweep of someone's whole address space. The network and broadcast
 * addresses of a /30 or larger are skipped (nmap dials them; we do not): no host answers on them in a routed
 * subnet, and a connection to a broadcast address is what intrusion detection flags as a sweep. A /31 (RFC 3021
 * point-to-point) and a /32 have no such addresses, so every address in them is dialled.
 */
import { AppError } from '../../core/errors';

export const MIN_SCAN_PREFIX = 22;
export const MAX_SCAN_ADDRESSES = 2 ** (32 - MIN_SCAN_PREFIX);

export interface Ipv4Network {
  /** The network address as an unsigned 32-bit number (host bits cleared). */
  base: number;
  prefix: number;
  /** Canonical text, `10.0.0.0/24` also for `10.0.0.7/24`. */
  cidr: string;
}

const invalid = (message: string): AppError => new AppError('VALIDATION_FAILED', message, [{ path: 'cidr', message }]);

// Octets without leading zeros, as for target addresses: `010` means 8 to the C resolver.
const OCTET = /^(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;

/** The address as an unsigned 32-bit number, or undefined when it is not dotted-decimal IPv4. */
export const ipv4ToNumber = (address: string): number | undefined => {
  const octets = address.split('.');
  if (octets.length !== 4 || !octets.every((o) => OCTET.test(o))) return undefined;
  return octets.reduce((n, o) => n * 256 + Number(o), 0);
};

export const numberToIpv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** Parses `a.b.c.d/n`; host bits are cleared, as nmap does. Throws AppError 400 for anything else or a network above the limit. */
export const parseScanCidr = (text: string): Ipv4Network => {
  const trimmed = text.trim();
  if (trimmed.includes(':')) throw invalid('only IPv4 networks can be scanned');
  const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(trimmed);
  if (m === null) {
    throw invalid(
      /^[0-9.]+$/.test(trimmed)
        ? `'${trimmed}' has no prefix length; write ${trimmed}/32 for one address or e.g. ${trimmed}/24 for its network`
        : 'must be an IPv4 network in CIDR notation, e.g. 10.0.0.0/24',
    );
  }
  const [, addressText = '', prefixText = ''] = m;
  const address = ipv4ToNumber(addressText);
  if (address === undefined) throw invalid(`'${addressText}' is not an IPv4 address (four numbers 0–255 without leading zeros)`);
  const prefix = Number(prefixText);
  if (prefix > 32 || (prefixText.length > 1 && prefixText.startsWith('0'))) throw invalid(`'/${prefixText}' is not a prefix length from 0 to 32`);
  if (prefix < MIN_SCAN_PREFIX) {
    throw invalid(
      `a /${prefix} holds ${2 ** (32 - prefix)} addresses; a scan may cover at most a /${MIN_SCAN_PREFIX} (${MAX_SCAN_ADDRESSES} addresses), so split the range`,
    );
  }
  const size = 2 ** (32 - prefix);
  const base = address - (address % size);
  return { base, prefix, cidr: `${numberToIpv4(base)}/${prefix}` };
};

/** The addresses a scan of `network` dials, in ascending order (see the header for which are left out). */
export const scanAddresses = (network: Ipv4Network): string[] => {
  const size = 2 ** (32 - network.prefix);
  const skipEnds = network.prefix <= 30;
  const first = skipEnds ? 1 : 0;
  const last = skipEnds ? size - 2 : size - 1;
  const addresses: string[] = [];
  for (let i = first; i <= last; i++) addresses.push(numberToIpv4(network.base + i));
  return addresses;
};

export const networkContains = (network: Ipv4Network, address: string): boolean => {
  const n = ipv4ToNumber(address);
  return n !== undefined && n - network.base >= 0 && n - network.base < 2 ** (32 - network.prefix);
};
