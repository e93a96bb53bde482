/**
 * Where a dataset lives as an MCP resource: the resource template registers it, and the dataset
 * tools name it in their answers. Catalogue ids need no escaping in a URI path (letters, digits, `:._~-`).
 */
export const datasetUriTemplate = 'wharf://datasets/{id}';
export const datasetUri = (id: string) => `wharf://datasets/${id}`;
