/** What the hub says about signing in (GET /app/config.json; server/routes/workbench.ts). */
import { useQuery } from '@tanstack/react-query';

export interface HubConfig {
  graphqlPath: string;
  signIn: 'development' | 'oidc' | 'none';
  oidc: { issuer: string; clientId: string; scope: string; resource?: string | null } | null;
  /** the largest `first` the hub serves */
  maxPageSize: number;
  roles: string[];
  regions: { code: string; name: string }[];
}

export function useHubConfig() {
  return useQuery<HubConfig>({
    queryKey: ['hub-config'],
    queryFn: async () => {
      const res = await fetch('/app/config.json');
      if (!res.ok) throw new Error(`the hub answered ${res.status}`);
      return (await res.json()) as HubConfig;
    },
    staleTime: Infinity,
  });
}
