/** Finds SSH and WinRM listeners in a network the user names (the runner's discovery scanner). */
export interface DiscoveredHost {
  address: string;
  port: number;
  kind: 'ssh' | 'winrm-http' | 'winrm-https' | 'open';
  banner?: string;
}

export interface NetworkScanner {
  scan(opts: { cidr: string; ports: readonly number[] }): Promise<DiscoveredHost[]>;
}
