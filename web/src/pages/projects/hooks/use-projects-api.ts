import { useMemo } from 'react';
import { projectsApi, type ProjectsApi } from '../../../api/projects';
import { useServices } from '../../../app/services';

export const useProjectsApi = (): ProjectsApi => {
  const { api } = useServices();
  return useMemo(() => projectsApi(api), [api]);
};
