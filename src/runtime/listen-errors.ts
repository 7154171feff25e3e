// Binding the listener: OC_HOST resolved first, and a failed bind explained by the setting to change (never a bare EADDRINUSE).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Resolves a host name the way listen would, so both runtimes report a name that does not resolve the same way. */
export async function checkListenHost(host: string): Promise<void> {
  if (isIP(host) !== 0) return;
  try {
    await lookup(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`OC_HOST: cannot resolve '${host}' to an address of this machine (${code}): use an IP address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`);
  }
}

/** A listen failure reworded to name OC_PORT or OC_HOST, the address, and the fix. */
export function listenError(err: unknown, host: string, port: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return new Error(
      `OC_PORT: port ${port} on ${host} is already in use (is another opencharge-merchant still running?): stop that process, or choose another port, e.g. OC_PORT=${port === 65535 ? 8788 : port + 1} (OC_PORT=0 picks a free one)`,
      { cause: err },
    );
  if (code === 'EADDRNOTAVAIL')
    return new Error(`OC_HOST: ${host} is not an address of this machine (EADDRNOTAVAIL): use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of this machine's addresses`, { cause: err });
  if (code === 'EACCES')
    return new Error(`OC_PORT: not allowed to listen on port ${port} (EACCES): ports below 1024 need privileges; use a higher one, e.g. OC_PORT=8787, behind a proxy`, { cause: err });
  return new Error(`OC_HOST, OC_PORT: cannot listen on ${where}: ${(err as Error).message}`, { cause: err });
}
