import type { ImportFormat } from '../../api/types';

/** The import formats (docs/import.md), with what a person needs to pick one and write it. */
export const importFormats: readonly ImportFormat[] = ['ansible-ini', 'csv', 'json'];

export const formatInfo: Record<ImportFormat, { label: string; description: string; accept: string; example: string }> = {
  'ansible-ini': {
    label: 'Ansible INI inventory',
    description: 'Groups become ansible_group.<name> tags, other variables become tags; secrets (passwords, key files) are never imported.',
    accept: '.ini,.cfg,.txt,text/plain',
    example: ['[web]', 'web[01:02].example.com', '', '[web:vars]', 'env=prod', 'ansible_user=deploy'].join('\n'),
  },
  csv: {
    label: 'CSV',
    description: 'A header line naming the columns (name, address and protocol required); tags written key=value;key=value.',
    accept: '.csv,text/csv,text/plain',
    example: ['name,address,port,protocol,tags', 'web1,10.0.0.5,22,ssh,env=prod;role=web'].join('\n'),
  },
  json: {
    label: 'JSON',
    description: 'An array of targets, or an object with a targets array (an export of the API can be imported again).',
    accept: '.json,application/json',
    example: '[{ "name": "web1", "address": "10.0.0.5", "protocol": "ssh", "tags": { "env": "prod" } }]',
  },
};

/** The API takes request bodies up to 256 KiB; the content travels inside one, as a JSON string. */
export const MAX_CONTENT_BYTES = 250 * 1024;
