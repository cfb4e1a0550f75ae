// Generated from openapi/openapi.json by `npm run client:types` (openapi-typescript). Do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                            /** @description what is wrong and what to set */
                            detail?: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                status: string;
                                /** Format: date-time */
                                created_at: string;
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create a tenant (operator keys) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            status: string;
                            /** Format: date-time */
                            created_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            status: string;
                            /** Format: date-time */
                            created_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a tenant and everything it owns; its data keys are destroyed first */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants/{id}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an API key for a tenant (operator keys); the secret is returned once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        role: "admin" | "service";
                        /** @description service keys only: the auth configs this key may fetch tokens for (at least one; omit for all of the tenant’s) */
                        auth_config_ids?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            tenant_id: string | null;
                            name: string;
                            role: string;
                            auth_config_ids: string[] | null;
                            /** @description the policy as set; null: none (the key may do everything its role allows) */
                            policy: {
                                /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                token?: boolean;
                                proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                })[] | null;
                                budget?: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            } | (never | null);
                            effective_policy: {
                                token: boolean;
                                proxy: {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                }[];
                                budget: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            };
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            revoked_at: string | null;
                            /** @description the secret; shown once, store it now */
                            key: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                tenant_id: string | null;
                                name: string;
                                role: string;
                                auth_config_ids: string[] | null;
                                /** @description the policy as set; null: none (the key may do everything its role allows) */
                                policy: {
                                    /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                    token?: boolean;
                                    proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                        /** @description HTTP methods (GET allows HEAD too); * for any */
                                        methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                        /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                        paths: string[];
                                    })[] | null;
                                    budget?: {
                                        requests: number;
                                        /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                        window_seconds: number;
                                    } | null;
                                } | (never | null);
                                effective_policy: {
                                    token: boolean;
                                    proxy: {
                                        /** @description HTTP methods (GET allows HEAD too); * for any */
                                        methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                        /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                        paths: string[];
                                    }[];
                                    budget: {
                                        requests: number;
                                        /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                        window_seconds: number;
                                    } | null;
                                };
                                /** Format: date-time */
                                created_at: string;
                                /** Format: date-time */
                                revoked_at: string | null;
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create an API key in the caller’s tenant (the secret is returned once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        role: "admin" | "service";
                        /** @description service keys only: the auth configs this key may fetch tokens for (at least one; omit for all of the tenant’s) */
                        auth_config_ids?: string[];
                        /** @description what the holder may do; omitted parts allow everything (proxy absent or null: any proxied call; [] : none) */
                        policy?: {
                            /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                            token?: boolean;
                            proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                /** @description HTTP methods (GET allows HEAD too); * for any */
                                methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                paths: string[];
                            })[] | null;
                            budget?: {
                                requests: number;
                                /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                window_seconds: number;
                            } | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            tenant_id: string | null;
                            name: string;
                            role: string;
                            auth_config_ids: string[] | null;
                            /** @description the policy as set; null: none (the key may do everything its role allows) */
                            policy: {
                                /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                token?: boolean;
                                proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                })[] | null;
                                budget?: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            } | (never | null);
                            effective_policy: {
                                token: boolean;
                                proxy: {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                }[];
                                budget: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            };
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            revoked_at: string | null;
                            /** @description the secret; shown once, store it now */
                            key: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            tenant_id: string | null;
                            name: string;
                            role: string;
                            auth_config_ids: string[] | null;
                            /** @description the policy as set; null: none (the key may do everything its role allows) */
                            policy: {
                                /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                token?: boolean;
                                proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                })[] | null;
                                budget?: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            } | (never | null);
                            effective_policy: {
                                token: boolean;
                                proxy: {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                }[];
                                budget: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            };
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            revoked_at: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Revoke an API key (it stops working at once; the record stays) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            tenant_id: string | null;
                            name: string;
                            role: string;
                            auth_config_ids: string[] | null;
                            /** @description the policy as set; null: none (the key may do everything its role allows) */
                            policy: {
                                /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                token?: boolean;
                                proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                })[] | null;
                                budget?: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            } | (never | null);
                            effective_policy: {
                                token: boolean;
                                proxy: {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                }[];
                                budget: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            };
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            revoked_at: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename a key or set a service key’s policy (every replica honours it within a second) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        /** @description service keys: the new policy, replacing the old one; null: none (everything) */
                        policy?: {
                            /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                            token?: boolean;
                            proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                /** @description HTTP methods (GET allows HEAD too); * for any */
                                methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                paths: string[];
                            })[] | null;
                            budget?: {
                                requests: number;
                                /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                window_seconds: number;
                            } | null;
                        } | (never | null);
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            tenant_id: string | null;
                            name: string;
                            role: string;
                            auth_config_ids: string[] | null;
                            /** @description the policy as set; null: none (the key may do everything its role allows) */
                            policy: {
                                /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                token?: boolean;
                                proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                })[] | null;
                                budget?: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            } | (never | null);
                            effective_policy: {
                                token: boolean;
                                proxy: {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                }[];
                                budget: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            };
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            revoked_at: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/operator-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                tenant_id: string | null;
                                name: string;
                                role: string;
                                auth_config_ids: string[] | null;
                                /** @description the policy as set; null: none (the key may do everything its role allows) */
                                policy: {
                                    /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                    token?: boolean;
                                    proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                        /** @description HTTP methods (GET allows HEAD too); * for any */
                                        methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                        /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                        paths: string[];
                                    })[] | null;
                                    budget?: {
                                        requests: number;
                                        /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                        window_seconds: number;
                                    } | null;
                                } | (never | null);
                                effective_policy: {
                                    token: boolean;
                                    proxy: {
                                        /** @description HTTP methods (GET allows HEAD too); * for any */
                                        methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                        /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                        paths: string[];
                                    }[];
                                    budget: {
                                        requests: number;
                                        /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                        window_seconds: number;
                                    } | null;
                                };
                                /** Format: date-time */
                                created_at: string;
                                /** Format: date-time */
                                revoked_at: string | null;
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create another operator key (the secret is returned once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            tenant_id: string | null;
                            name: string;
                            role: string;
                            auth_config_ids: string[] | null;
                            /** @description the policy as set; null: none (the key may do everything its role allows) */
                            policy: {
                                /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                token?: boolean;
                                proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                })[] | null;
                                budget?: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            } | (never | null);
                            effective_policy: {
                                token: boolean;
                                proxy: {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                }[];
                                budget: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            };
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            revoked_at: string | null;
                            /** @description the secret; shown once, store it now */
                            key: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an operator key (it stops working at once; the record stays) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            tenant_id: string | null;
                            name: string;
                            role: string;
                            auth_config_ids: string[] | null;
                            /** @description the policy as set; null: none (the key may do everything its role allows) */
                            policy: {
                                /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                token?: boolean;
                                proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                })[] | null;
                                budget?: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            } | (never | null);
                            effective_policy: {
                                token: boolean;
                                proxy: {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                }[];
                                budget: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            };
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            revoked_at: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth-configs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    status?: "enabled" | "disabled";
                    provider?: "atlassian" | "github" | "oauth2";
                    /** @description oauth2_3lo: user consent through the connect flow (default); client_credentials: a service account’s OAuth 2.0 client credentials (accounts created by the API alone); api_token: Atlassian API tokens over HTTP Basic, one per connected account (atlassian only; no client id/secret) */
                    auth_scheme?: "oauth2_3lo" | "client_credentials" | "api_token";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                provider: string;
                                /** @description oauth2_3lo: user consent through the connect flow (default); client_credentials: a service account’s OAuth 2.0 client credentials (accounts created by the API alone); api_token: Atlassian API tokens over HTTP Basic, one per connected account (atlassian only; no client id/secret) */
                                auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                                /** @description null for api_token configs */
                                client_id: string | null;
                                /** @description the secret itself is write-only */
                                client_secret: {
                                    /** @description false for api_token configs, which hold no secret */
                                    set: boolean;
                                    /** @description the last 4 characters, shown only for secrets of 16 or more characters */
                                    last4: string | null;
                                    /** Format: date-time */
                                    updated_at: string;
                                    previous: {
                                        last4: string | null;
                                        /** Format: date-time */
                                        expires_at: string;
                                    } | null;
                                    /** @description which secret the provider last accepted (null: not used yet) */
                                    working: "current" | "previous" | (never | null);
                                };
                                scopes: string[];
                                status: "enabled" | "disabled";
                                allowed_return_urls: string[];
                                /** @description on_use (default): accounts used within REFRESH_WARM_HOURS are refreshed ahead of expiry, idle ones on demand and kept alive by the worker; always: every account is refreshed ahead of expiry */
                                refresh_policy: "on_use" | "always";
                                /**
                                 * Format: date-time
                                 * @description the provider's token endpoint rate-limited this app: no refresh of its accounts is sent before then (null: none paused)
                                 */
                                refresh_paused_until: string | null;
                                /** @description this config’s own OAuth redirect URI (PUBLIC_URL/v1/oauth/callback/{id}): register it as the callback in the provider console */
                                callback_url: string;
                                oauth2: {
                                    /** @description required for oauth2_3lo; null for client_credentials configs */
                                    authorization_url: string | null;
                                    token_url: string;
                                    authorization_params: {
                                        [key: string]: string;
                                    };
                                    token_request_format: "json" | "form";
                                    client_auth: "client_secret_post" | "client_secret_basic";
                                    include_scope_in_token_request: boolean;
                                    pkce: boolean;
                                    scope_separator: " " | "," | "+";
                                    /** @description RFC 9207 issuer; when the server sends `iss` to the callback it must equal this (default: the authorization URL’s origin) */
                                    issuer: string | null;
                                    /** @description where the proxy sends this config’s API calls (`…/proxy/{path}` → `{api_base_url}/{path}`); held to the same egress policy as token_url */
                                    api_base_url: string | null;
                                } | null;
                                /** Format: date-time */
                                created_at: string;
                                /** Format: date-time */
                                updated_at: string;
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Register an OAuth app (Atlassian 3LO or generic OAuth 2.0) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        provider: "atlassian" | "github" | "oauth2";
                        /** @description oauth2_3lo: user consent through the connect flow (default); client_credentials: a service account’s OAuth 2.0 client credentials (accounts created by the API alone); api_token: Atlassian API tokens over HTTP Basic, one per connected account (atlassian only; no client id/secret) */
                        auth_scheme?: "oauth2_3lo" | "client_credentials" | "api_token";
                        client_id?: string;
                        /** @description write-only */
                        client_secret?: string;
                        /** @description the OAuth scopes to request, checked by the provider (an unknown Atlassian scope is a 400 naming the nearest known one); a provider without OAuth scopes takes an empty list */
                        scopes?: string[];
                        allowed_return_urls?: string[];
                        status?: "enabled" | "disabled";
                        /** @description on_use (default): accounts used within REFRESH_WARM_HOURS are refreshed ahead of expiry, idle ones on demand and kept alive by the worker; always: every account is refreshed ahead of expiry */
                        refresh_policy?: "on_use" | "always";
                        oauth2?: {
                            authorization_url?: string;
                            token_url: string;
                            authorization_params?: {
                                [key: string]: string;
                            };
                            token_request_format?: "json" | "form";
                            client_auth?: "client_secret_post" | "client_secret_basic";
                            include_scope_in_token_request?: boolean;
                            pkce?: boolean;
                            scope_separator?: " " | "," | "+";
                            /** @description RFC 9207 issuer; when the server sends `iss` to the callback it must equal this (default: the authorization URL’s origin) */
                            issuer?: string | null;
                            /** @description where the proxy sends this config’s API calls (`…/proxy/{path}` → `{api_base_url}/{path}`); held to the same egress policy as token_url */
                            api_base_url?: string | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            provider: string;
                            /** @description oauth2_3lo: user consent through the connect flow (default); client_credentials: a service account’s OAuth 2.0 client credentials (accounts created by the API alone); api_token: Atlassian API tokens over HTTP Basic, one per connected account (atlassian only; no client id/secret) */
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            /** @description null for api_token configs */
                            client_id: string | null;
                            /** @description the secret itself is write-only */
                            client_secret: {
                                /** @description false for api_token configs, which hold no secret */
                                set: boolean;
                                /** @description the last 4 characters, shown only for secrets of 16 or more characters */
                                last4: string | null;
                                /** Format: date-time */
                                updated_at: string;
                                previous: {
                                    last4: string | null;
                                    /** Format: date-time */
                                    expires_at: string;
                                } | null;
                                /** @description which secret the provider last accepted (null: not used yet) */
                                working: "current" | "previous" | (never | null);
                            };
                            scopes: string[];
                            status: "enabled" | "disabled";
                            allowed_return_urls: string[];
                            /** @description on_use (default): accounts used within REFRESH_WARM_HOURS are refreshed ahead of expiry, idle ones on demand and kept alive by the worker; always: every account is refreshed ahead of expiry */
                            refresh_policy: "on_use" | "always";
                            /**
                             * Format: date-time
                             * @description the provider's token endpoint rate-limited this app: no refresh of its accounts is sent before then (null: none paused)
                             */
                            refresh_paused_until: string | null;
                            /** @description this config’s own OAuth redirect URI (PUBLIC_URL/v1/oauth/callback/{id}): register it as the callback in the provider console */
                            callback_url: string;
                            oauth2: {
                                /** @description required for oauth2_3lo; null for client_credentials configs */
                                authorization_url: string | null;
                                token_url: string;
                                authorization_params: {
                                    [key: string]: string;
                                };
                                token_request_format: "json" | "form";
                                client_auth: "client_secret_post" | "client_secret_basic";
                                include_scope_in_token_request: boolean;
                                pkce: boolean;
                                scope_separator: " " | "," | "+";
                                /** @description RFC 9207 issuer; when the server sends `iss` to the callback it must equal this (default: the authorization URL’s origin) */
                                issuer: string | null;
                                /** @description where the proxy sends this config’s API calls (`…/proxy/{path}` → `{api_base_url}/{path}`); held to the same egress policy as token_url */
                                api_base_url: string | null;
                            } | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth-configs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            provider: string;
                            /** @description oauth2_3lo: user consent through the connect flow (default); client_credentials: a service account’s OAuth 2.0 client credentials (accounts created by the API alone); api_token: Atlassian API tokens over HTTP Basic, one per connected account (atlassian only; no client id/secret) */
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            /** @description null for api_token configs */
                            client_id: string | null;
                            /** @description the secret itself is write-only */
                            client_secret: {
                                /** @description false for api_token configs, which hold no secret */
                                set: boolean;
                                /** @description the last 4 characters, shown only for secrets of 16 or more characters */
                                last4: string | null;
                                /** Format: date-time */
                                updated_at: string;
                                previous: {
                                    last4: string | null;
                                    /** Format: date-time */
                                    expires_at: string;
                                } | null;
                                /** @description which secret the provider last accepted (null: not used yet) */
                                working: "current" | "previous" | (never | null);
                            };
                            scopes: string[];
                            status: "enabled" | "disabled";
                            allowed_return_urls: string[];
                            /** @description on_use (default): accounts used within REFRESH_WARM_HOURS are refreshed ahead of expiry, idle ones on demand and kept alive by the worker; always: every account is refreshed ahead of expiry */
                            refresh_policy: "on_use" | "always";
                            /**
                             * Format: date-time
                             * @description the provider's token endpoint rate-limited this app: no refresh of its accounts is sent before then (null: none paused)
                             */
                            refresh_paused_until: string | null;
                            /** @description this config’s own OAuth redirect URI (PUBLIC_URL/v1/oauth/callback/{id}): register it as the callback in the provider console */
                            callback_url: string;
                            oauth2: {
                                /** @description required for oauth2_3lo; null for client_credentials configs */
                                authorization_url: string | null;
                                token_url: string;
                                authorization_params: {
                                    [key: string]: string;
                                };
                                token_request_format: "json" | "form";
                                client_auth: "client_secret_post" | "client_secret_basic";
                                include_scope_in_token_request: boolean;
                                pkce: boolean;
                                scope_separator: " " | "," | "+";
                                /** @description RFC 9207 issuer; when the server sends `iss` to the callback it must equal this (default: the authorization URL’s origin) */
                                issuer: string | null;
                                /** @description where the proxy sends this config’s API calls (`…/proxy/{path}` → `{api_base_url}/{path}`); held to the same egress policy as token_url */
                                api_base_url: string | null;
                            } | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Update an auth config; sending client_secret rotates it */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        client_id?: string;
                        /** @description write-only */
                        client_secret?: string;
                        /** @description with client_secret: keep the old secret as a fallback this long (default 86400; 0 drops it) */
                        previous_secret_overlap_seconds?: number;
                        /** @description the OAuth scopes to request, checked by the provider (an unknown Atlassian scope is a 400 naming the nearest known one); a provider without OAuth scopes takes an empty list */
                        scopes?: string[];
                        allowed_return_urls?: string[];
                        status?: "enabled" | "disabled";
                        /** @description on_use (default): accounts used within REFRESH_WARM_HOURS are refreshed ahead of expiry, idle ones on demand and kept alive by the worker; always: every account is refreshed ahead of expiry */
                        refresh_policy?: "on_use" | "always";
                        oauth2?: {
                            authorization_url?: string;
                            token_url: string;
                            authorization_params?: {
                                [key: string]: string;
                            };
                            token_request_format?: "json" | "form";
                            client_auth?: "client_secret_post" | "client_secret_basic";
                            include_scope_in_token_request?: boolean;
                            pkce?: boolean;
                            scope_separator?: " " | "," | "+";
                            /** @description RFC 9207 issuer; when the server sends `iss` to the callback it must equal this (default: the authorization URL’s origin) */
                            issuer?: string | null;
                            /** @description where the proxy sends this config’s API calls (`…/proxy/{path}` → `{api_base_url}/{path}`); held to the same egress policy as token_url */
                            api_base_url?: string | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            provider: string;
                            /** @description oauth2_3lo: user consent through the connect flow (default); client_credentials: a service account’s OAuth 2.0 client credentials (accounts created by the API alone); api_token: Atlassian API tokens over HTTP Basic, one per connected account (atlassian only; no client id/secret) */
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            /** @description null for api_token configs */
                            client_id: string | null;
                            /** @description the secret itself is write-only */
                            client_secret: {
                                /** @description false for api_token configs, which hold no secret */
                                set: boolean;
                                /** @description the last 4 characters, shown only for secrets of 16 or more characters */
                                last4: string | null;
                                /** Format: date-time */
                                updated_at: string;
                                previous: {
                                    last4: string | null;
                                    /** Format: date-time */
                                    expires_at: string;
                                } | null;
                                /** @description which secret the provider last accepted (null: not used yet) */
                                working: "current" | "previous" | (never | null);
                            };
                            scopes: string[];
                            status: "enabled" | "disabled";
                            allowed_return_urls: string[];
                            /** @description on_use (default): accounts used within REFRESH_WARM_HOURS are refreshed ahead of expiry, idle ones on demand and kept alive by the worker; always: every account is refreshed ahead of expiry */
                            refresh_policy: "on_use" | "always";
                            /**
                             * Format: date-time
                             * @description the provider's token endpoint rate-limited this app: no refresh of its accounts is sent before then (null: none paused)
                             */
                            refresh_paused_until: string | null;
                            /** @description this config’s own OAuth redirect URI (PUBLIC_URL/v1/oauth/callback/{id}): register it as the callback in the provider console */
                            callback_url: string;
                            oauth2: {
                                /** @description required for oauth2_3lo; null for client_credentials configs */
                                authorization_url: string | null;
                                token_url: string;
                                authorization_params: {
                                    [key: string]: string;
                                };
                                token_request_format: "json" | "form";
                                client_auth: "client_secret_post" | "client_secret_basic";
                                include_scope_in_token_request: boolean;
                                pkce: boolean;
                                scope_separator: " " | "," | "+";
                                /** @description RFC 9207 issuer; when the server sends `iss` to the callback it must equal this (default: the authorization URL’s origin) */
                                issuer: string | null;
                                /** @description where the proxy sends this config’s API calls (`…/proxy/{path}` → `{api_base_url}/{path}`); held to the same egress policy as token_url */
                                api_base_url: string | null;
                            } | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/auth-configs/{id}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Disable an auth config */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            provider: string;
                            /** @description oauth2_3lo: user consent through the connect flow (default); client_credentials: a service account’s OAuth 2.0 client credentials (accounts created by the API alone); api_token: Atlassian API tokens over HTTP Basic, one per connected account (atlassian only; no client id/secret) */
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            /** @description null for api_token configs */
                            client_id: string | null;
                            /** @description the secret itself is write-only */
                            client_secret: {
                                /** @description false for api_token configs, which hold no secret */
                                set: boolean;
                                /** @description the last 4 characters, shown only for secrets of 16 or more characters */
                                last4: string | null;
                                /** Format: date-time */
                                updated_at: string;
                                previous: {
                                    last4: string | null;
                                    /** Format: date-time */
                                    expires_at: string;
                                } | null;
                                /** @description which secret the provider last accepted (null: not used yet) */
                                working: "current" | "previous" | (never | null);
                            };
                            scopes: string[];
                            status: "enabled" | "disabled";
                            allowed_return_urls: string[];
                            /** @description on_use (default): accounts used within REFRESH_WARM_HOURS are refreshed ahead of expiry, idle ones on demand and kept alive by the worker; always: every account is refreshed ahead of expiry */
                            refresh_policy: "on_use" | "always";
                            /**
                             * Format: date-time
                             * @description the provider's token endpoint rate-limited this app: no refresh of its accounts is sent before then (null: none paused)
                             */
                            refresh_paused_until: string | null;
                            /** @description this config’s own OAuth redirect URI (PUBLIC_URL/v1/oauth/callback/{id}): register it as the callback in the provider console */
                            callback_url: string;
                            oauth2: {
                                /** @description required for oauth2_3lo; null for client_credentials configs */
                                authorization_url: string | null;
                                token_url: string;
                                authorization_params: {
                                    [key: string]: string;
                                };
                                token_request_format: "json" | "form";
                                client_auth: "client_secret_post" | "client_secret_basic";
                                include_scope_in_token_request: boolean;
                                pkce: boolean;
                                scope_separator: " " | "," | "+";
                                /** @description RFC 9207 issuer; when the server sends `iss` to the callback it must equal this (default: the authorization URL’s origin) */
                                issuer: string | null;
                                /** @description where the proxy sends this config’s API calls (`…/proxy/{path}` → `{api_base_url}/{path}`); held to the same egress policy as token_url */
                                api_base_url: string | null;
                            } | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth-configs/{id}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Enable an auth config */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            provider: string;
                            /** @description oauth2_3lo: user consent through the connect flow (default); client_credentials: a service account’s OAuth 2.0 client credentials (accounts created by the API alone); api_token: Atlassian API tokens over HTTP Basic, one per connected account (atlassian only; no client id/secret) */
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            /** @description null for api_token configs */
                            client_id: string | null;
                            /** @description the secret itself is write-only */
                            client_secret: {
                                /** @description false for api_token configs, which hold no secret */
                                set: boolean;
                                /** @description the last 4 characters, shown only for secrets of 16 or more characters */
                                last4: string | null;
                                /** Format: date-time */
                                updated_at: string;
                                previous: {
                                    last4: string | null;
                                    /** Format: date-time */
                                    expires_at: string;
                                } | null;
                                /** @description which secret the provider last accepted (null: not used yet) */
                                working: "current" | "previous" | (never | null);
                            };
                            scopes: string[];
                            status: "enabled" | "disabled";
                            allowed_return_urls: string[];
                            /** @description on_use (default): accounts used within REFRESH_WARM_HOURS are refreshed ahead of expiry, idle ones on demand and kept alive by the worker; always: every account is refreshed ahead of expiry */
                            refresh_policy: "on_use" | "always";
                            /**
                             * Format: date-time
                             * @description the provider's token endpoint rate-limited this app: no refresh of its accounts is sent before then (null: none paused)
                             */
                            refresh_paused_until: string | null;
                            /** @description this config’s own OAuth redirect URI (PUBLIC_URL/v1/oauth/callback/{id}): register it as the callback in the provider console */
                            callback_url: string;
                            oauth2: {
                                /** @description required for oauth2_3lo; null for client_credentials configs */
                                authorization_url: string | null;
                                token_url: string;
                                authorization_params: {
                                    [key: string]: string;
                                };
                                token_request_format: "json" | "form";
                                client_auth: "client_secret_post" | "client_secret_basic";
                                include_scope_in_token_request: boolean;
                                pkce: boolean;
                                scope_separator: " " | "," | "+";
                                /** @description RFC 9207 issuer; when the server sends `iss` to the callback it must equal this (default: the authorization URL’s origin) */
                                issuer: string | null;
                                /** @description where the proxy sends this config’s API calls (`…/proxy/{path}` → `{api_base_url}/{path}`); held to the same egress policy as token_url */
                                api_base_url: string | null;
                            } | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    auth_config_id?: string;
                    user_id?: string;
                    status?: "INITIATED" | "ACTIVE" | "EXPIRED" | "FAILED" | "DISABLED";
                    /** @description accounts carrying every one of these tags */
                    tags?: string[];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                auth_config_id: string;
                                user_id: string;
                                auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                                status: "INITIATED" | "ACTIVE" | "EXPIRED" | "FAILED" | "DISABLED";
                                status_reason: string | null;
                                sites: {
                                    cloud_id: string;
                                    name: string;
                                    url: string;
                                    scopes: string[];
                                }[];
                                selected_site: {
                                    cloud_id: string;
                                    name: string;
                                    url: string;
                                } | null;
                                pinned_site_url: string | null;
                                identity: {
                                    account_id: string;
                                    /** @description the user’s handle where the provider has one (GitHub’s login) */
                                    login: string | null;
                                    email: string | null;
                                    name: string | null;
                                    picture: string | null;
                                } | null;
                                granted_scopes: string[];
                                tags: string[];
                                /** @description the source’s id of an imported grant */
                                external_id: string | null;
                                /** @description api_token accounts: where the token is used (the token itself is write-only); its expiry is expires_at */
                                api_token: {
                                    /** @description classic token: the site it calls */
                                    site_url: string | null;
                                    /** @description scoped token: the site it calls through the gateway */
                                    cloud_id: string | null;
                                    /** Format: date-time */
                                    last_checked_at: string | null;
                                    /** Format: date-time */
                                    next_check_at: string | null;
                                    /** Format: date-time */
                                    expiring_notified_at: string | null;
                                } | null;
                                /** Format: date-time */
                                connected_at: string | null;
                                /** Format: date-time */
                                expires_at: string | null;
                                /** Format: date-time */
                                family_expires_at: string | null;
                                /** Format: date-time */
                                last_refreshed_at: string | null;
                                /** Format: date-time */
                                next_refresh_at: string | null;
                                /**
                                 * Format: date-time
                                 * @description when a token read or a proxied call last used the account (recorded within seconds, off the request path); an account used within REFRESH_WARM_HOURS is refreshed ahead of expiry
                                 */
                                last_used_at: string | null;
                                /** @description consecutive failed refreshes */
                                refresh_failures: number;
                                last_error_code: string | null;
                                /** Format: date-time */
                                created_at: string;
                                /** Format: date-time */
                                updated_at: string;
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Connect an end user: oauth2_3lo returns the account (INITIATED) and its single-use redirect_url; client_credentials and api_token accounts are verified with the provider first and answer ACTIVE (nothing is stored when the provider refuses) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        auth_config_id: string;
                        user_id: string;
                        /** @description labels for list and bulk filters */
                        tags?: string[];
                        return_url?: string;
                        /** @description oauth2_3lo and client_credentials: pin the Atlassian site, e.g. https://acme.atlassian.net; api_token: the site a classic API token calls */
                        site_url?: string;
                        /** @description api_token: the cloud id of the site a scoped API token calls through the gateway */
                        cloud_id?: string;
                        /** @description write-only */
                        credentials?: {
                            email: string;
                            /** @description write-only */
                            api_token: string;
                            /**
                             * Format: date-time
                             * @description the expiry chosen when the token was created (1–365 days); omit if none
                             */
                            expires_at?: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            auth_config_id: string;
                            user_id: string;
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            status: "INITIATED" | "ACTIVE" | "EXPIRED" | "FAILED" | "DISABLED";
                            status_reason: string | null;
                            sites: {
                                cloud_id: string;
                                name: string;
                                url: string;
                                scopes: string[];
                            }[];
                            selected_site: {
                                cloud_id: string;
                                name: string;
                                url: string;
                            } | null;
                            pinned_site_url: string | null;
                            identity: {
                                account_id: string;
                                /** @description the user’s handle where the provider has one (GitHub’s login) */
                                login: string | null;
                                email: string | null;
                                name: string | null;
                                picture: string | null;
                            } | null;
                            granted_scopes: string[];
                            tags: string[];
                            /** @description the source’s id of an imported grant */
                            external_id: string | null;
                            /** @description api_token accounts: where the token is used (the token itself is write-only); its expiry is expires_at */
                            api_token: {
                                /** @description classic token: the site it calls */
                                site_url: string | null;
                                /** @description scoped token: the site it calls through the gateway */
                                cloud_id: string | null;
                                /** Format: date-time */
                                last_checked_at: string | null;
                                /** Format: date-time */
                                next_check_at: string | null;
                                /** Format: date-time */
                                expiring_notified_at: string | null;
                            } | null;
                            /** Format: date-time */
                            connected_at: string | null;
                            /** Format: date-time */
                            expires_at: string | null;
                            /** Format: date-time */
                            family_expires_at: string | null;
                            /** Format: date-time */
                            last_refreshed_at: string | null;
                            /** Format: date-time */
                            next_refresh_at: string | null;
                            /**
                             * Format: date-time
                             * @description when a token read or a proxied call last used the account (recorded within seconds, off the request path); an account used within REFRESH_WARM_HOURS is refreshed ahead of expiry
                             */
                            last_used_at: string | null;
                            /** @description consecutive failed refreshes */
                            refresh_failures: number;
                            last_error_code: string | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                            /** @description single-use link that starts the connect flow; null for client_credentials and api_token accounts (ACTIVE at once) */
                            redirect_url: string | null;
                            /** Format: date-time */
                            redirect_url_expires_at: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description never carries tokens */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            auth_config_id: string;
                            user_id: string;
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            status: "INITIATED" | "ACTIVE" | "EXPIRED" | "FAILED" | "DISABLED";
                            status_reason: string | null;
                            sites: {
                                cloud_id: string;
                                name: string;
                                url: string;
                                scopes: string[];
                            }[];
                            selected_site: {
                                cloud_id: string;
                                name: string;
                                url: string;
                            } | null;
                            pinned_site_url: string | null;
                            identity: {
                                account_id: string;
                                /** @description the user’s handle where the provider has one (GitHub’s login) */
                                login: string | null;
                                email: string | null;
                                name: string | null;
                                picture: string | null;
                            } | null;
                            granted_scopes: string[];
                            tags: string[];
                            /** @description the source’s id of an imported grant */
                            external_id: string | null;
                            /** @description api_token accounts: where the token is used (the token itself is write-only); its expiry is expires_at */
                            api_token: {
                                /** @description classic token: the site it calls */
                                site_url: string | null;
                                /** @description scoped token: the site it calls through the gateway */
                                cloud_id: string | null;
                                /** Format: date-time */
                                last_checked_at: string | null;
                                /** Format: date-time */
                                next_check_at: string | null;
                                /** Format: date-time */
                                expiring_notified_at: string | null;
                            } | null;
                            /** Format: date-time */
                            connected_at: string | null;
                            /** Format: date-time */
                            expires_at: string | null;
                            /** Format: date-time */
                            family_expires_at: string | null;
                            /** Format: date-time */
                            last_refreshed_at: string | null;
                            /** Format: date-time */
                            next_refresh_at: string | null;
                            /**
                             * Format: date-time
                             * @description when a token read or a proxied call last used the account (recorded within seconds, off the request path); an account used within REFRESH_WARM_HOURS is refreshed ahead of expiry
                             */
                            last_used_at: string | null;
                            /** @description consecutive failed refreshes */
                            refresh_failures: number;
                            last_error_code: string | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Select the site among the account’s sites, replace its tags, or (api_token accounts) replace the API token in place */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        selected_cloud_id?: string;
                        /** @description replace the account’s tags */
                        tags?: string[];
                        /** @description api_token accounts: replace the API token in place (verified first; the account becomes ACTIVE) */
                        credentials?: {
                            email: string;
                            /** @description write-only */
                            api_token: string;
                            /**
                             * Format: date-time
                             * @description the expiry chosen when the token was created (1–365 days); omit if none
                             */
                            expires_at?: string;
                        };
                    };
                };
            };
            responses: {
                /** @description never carries tokens */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            auth_config_id: string;
                            user_id: string;
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            status: "INITIATED" | "ACTIVE" | "EXPIRED" | "FAILED" | "DISABLED";
                            status_reason: string | null;
                            sites: {
                                cloud_id: string;
                                name: string;
                                url: string;
                                scopes: string[];
                            }[];
                            selected_site: {
                                cloud_id: string;
                                name: string;
                                url: string;
                            } | null;
                            pinned_site_url: string | null;
                            identity: {
                                account_id: string;
                                /** @description the user’s handle where the provider has one (GitHub’s login) */
                                login: string | null;
                                email: string | null;
                                name: string | null;
                                picture: string | null;
                            } | null;
                            granted_scopes: string[];
                            tags: string[];
                            /** @description the source’s id of an imported grant */
                            external_id: string | null;
                            /** @description api_token accounts: where the token is used (the token itself is write-only); its expiry is expires_at */
                            api_token: {
                                /** @description classic token: the site it calls */
                                site_url: string | null;
                                /** @description scoped token: the site it calls through the gateway */
                                cloud_id: string | null;
                                /** Format: date-time */
                                last_checked_at: string | null;
                                /** Format: date-time */
                                next_check_at: string | null;
                                /** Format: date-time */
                                expiring_notified_at: string | null;
                            } | null;
                            /** Format: date-time */
                            connected_at: string | null;
                            /** Format: date-time */
                            expires_at: string | null;
                            /** Format: date-time */
                            family_expires_at: string | null;
                            /** Format: date-time */
                            last_refreshed_at: string | null;
                            /** Format: date-time */
                            next_refresh_at: string | null;
                            /**
                             * Format: date-time
                             * @description when a token read or a proxied call last used the account (recorded within seconds, off the request path); an account used within REFRESH_WARM_HOURS is refreshed ahead of expiry
                             */
                            last_used_at: string | null;
                            /** @description consecutive failed refreshes */
                            refresh_failures: number;
                            last_error_code: string | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/connected-accounts/{id}/reconnect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new connect link for the same account id */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        return_url?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            auth_config_id: string;
                            user_id: string;
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            status: "INITIATED" | "ACTIVE" | "EXPIRED" | "FAILED" | "DISABLED";
                            status_reason: string | null;
                            sites: {
                                cloud_id: string;
                                name: string;
                                url: string;
                                scopes: string[];
                            }[];
                            selected_site: {
                                cloud_id: string;
                                name: string;
                                url: string;
                            } | null;
                            pinned_site_url: string | null;
                            identity: {
                                account_id: string;
                                /** @description the user’s handle where the provider has one (GitHub’s login) */
                                login: string | null;
                                email: string | null;
                                name: string | null;
                                picture: string | null;
                            } | null;
                            granted_scopes: string[];
                            tags: string[];
                            /** @description the source’s id of an imported grant */
                            external_id: string | null;
                            /** @description api_token accounts: where the token is used (the token itself is write-only); its expiry is expires_at */
                            api_token: {
                                /** @description classic token: the site it calls */
                                site_url: string | null;
                                /** @description scoped token: the site it calls through the gateway */
                                cloud_id: string | null;
                                /** Format: date-time */
                                last_checked_at: string | null;
                                /** Format: date-time */
                                next_check_at: string | null;
                                /** Format: date-time */
                                expiring_notified_at: string | null;
                            } | null;
                            /** Format: date-time */
                            connected_at: string | null;
                            /** Format: date-time */
                            expires_at: string | null;
                            /** Format: date-time */
                            family_expires_at: string | null;
                            /** Format: date-time */
                            last_refreshed_at: string | null;
                            /** Format: date-time */
                            next_refresh_at: string | null;
                            /**
                             * Format: date-time
                             * @description when a token read or a proxied call last used the account (recorded within seconds, off the request path); an account used within REFRESH_WARM_HOURS is refreshed ahead of expiry
                             */
                            last_used_at: string | null;
                            /** @description consecutive failed refreshes */
                            refresh_failures: number;
                            last_error_code: string | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                            /** @description single-use link that starts the connect flow; null for client_credentials and api_token accounts (ACTIVE at once) */
                            redirect_url: string | null;
                            /** Format: date-time */
                            redirect_url_expires_at: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts/{id}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description never carries tokens */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            auth_config_id: string;
                            user_id: string;
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            status: "INITIATED" | "ACTIVE" | "EXPIRED" | "FAILED" | "DISABLED";
                            status_reason: string | null;
                            sites: {
                                cloud_id: string;
                                name: string;
                                url: string;
                                scopes: string[];
                            }[];
                            selected_site: {
                                cloud_id: string;
                                name: string;
                                url: string;
                            } | null;
                            pinned_site_url: string | null;
                            identity: {
                                account_id: string;
                                /** @description the user’s handle where the provider has one (GitHub’s login) */
                                login: string | null;
                                email: string | null;
                                name: string | null;
                                picture: string | null;
                            } | null;
                            granted_scopes: string[];
                            tags: string[];
                            /** @description the source’s id of an imported grant */
                            external_id: string | null;
                            /** @description api_token accounts: where the token is used (the token itself is write-only); its expiry is expires_at */
                            api_token: {
                                /** @description classic token: the site it calls */
                                site_url: string | null;
                                /** @description scoped token: the site it calls through the gateway */
                                cloud_id: string | null;
                                /** Format: date-time */
                                last_checked_at: string | null;
                                /** Format: date-time */
                                next_check_at: string | null;
                                /** Format: date-time */
                                expiring_notified_at: string | null;
                            } | null;
                            /** Format: date-time */
                            connected_at: string | null;
                            /** Format: date-time */
                            expires_at: string | null;
                            /** Format: date-time */
                            family_expires_at: string | null;
                            /** Format: date-time */
                            last_refreshed_at: string | null;
                            /** Format: date-time */
                            next_refresh_at: string | null;
                            /**
                             * Format: date-time
                             * @description when a token read or a proxied call last used the account (recorded within seconds, off the request path); an account used within REFRESH_WARM_HOURS is refreshed ahead of expiry
                             */
                            last_used_at: string | null;
                            /** @description consecutive failed refreshes */
                            refresh_failures: number;
                            last_error_code: string | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts/{id}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description never carries tokens */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            auth_config_id: string;
                            user_id: string;
                            auth_scheme: "oauth2_3lo" | "client_credentials" | "api_token";
                            status: "INITIATED" | "ACTIVE" | "EXPIRED" | "FAILED" | "DISABLED";
                            status_reason: string | null;
                            sites: {
                                cloud_id: string;
                                name: string;
                                url: string;
                                scopes: string[];
                            }[];
                            selected_site: {
                                cloud_id: string;
                                name: string;
                                url: string;
                            } | null;
                            pinned_site_url: string | null;
                            identity: {
                                account_id: string;
                                /** @description the user’s handle where the provider has one (GitHub’s login) */
                                login: string | null;
                                email: string | null;
                                name: string | null;
                                picture: string | null;
                            } | null;
                            granted_scopes: string[];
                            tags: string[];
                            /** @description the source’s id of an imported grant */
                            external_id: string | null;
                            /** @description api_token accounts: where the token is used (the token itself is write-only); its expiry is expires_at */
                            api_token: {
                                /** @description classic token: the site it calls */
                                site_url: string | null;
                                /** @description scoped token: the site it calls through the gateway */
                                cloud_id: string | null;
                                /** Format: date-time */
                                last_checked_at: string | null;
                                /** Format: date-time */
                                next_check_at: string | null;
                                /** Format: date-time */
                                expiring_notified_at: string | null;
                            } | null;
                            /** Format: date-time */
                            connected_at: string | null;
                            /** Format: date-time */
                            expires_at: string | null;
                            /** Format: date-time */
                            family_expires_at: string | null;
                            /** Format: date-time */
                            last_refreshed_at: string | null;
                            /** Format: date-time */
                            next_refresh_at: string | null;
                            /**
                             * Format: date-time
                             * @description when a token read or a proxied call last used the account (recorded within seconds, off the request path); an account used within REFRESH_WARM_HOURS is refreshed ahead of expiry
                             */
                            last_used_at: string | null;
                            /** @description consecutive failed refreshes */
                            refresh_failures: number;
                            last_error_code: string | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import grants held elsewhere: each record verified by one refresh (the hand-off) and discovery, then stored ACTIVE; idempotent by (auth_config_id, external_id) */
        post: {
            parameters: {
                query?: {
                    /** @description the records’ shape; detected from the first record when absent */
                    format?: "plain" | "nango" | "vault";
                    /** @description check shapes, configs and idempotency only: no provider call, no write */
                    dry_run?: boolean;
                    /** @description key=auth_config_id pairs separated by commas: Nango's provider_config_key, or an exporting vault's auth config id */
                    config_map?: string;
                    /** @description the auth config of records that name none (Vault oauthapp credentials) */
                    auth_config_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description the records: a JSON array, or NDJSON (application/x-ndjson, one record per line); see docs/moving.md */
            requestBody: {
                content: {
                    "application/json": unknown[];
                };
            };
            responses: {
                /** @description one result per record, in input order; no token */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            format: "plain" | "nango" | "vault";
                            dry_run: boolean;
                            counts: {
                                total: number;
                                imported: number;
                                unchanged: number;
                                valid: number;
                                failed: number;
                            };
                            results: {
                                /** @description the record’s position in the input, from 0 */
                                index: number;
                                external_id: string | null;
                                status: "imported" | "unchanged" | "valid" | "failed";
                                connected_account_id: string | null;
                                /** @description the provider was asked for a refresh with this record’s token: the source’s copy is spent */
                                refreshed: boolean;
                                /** @description why it failed (stable code) */
                                code: string | null;
                                detail: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts/import-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The same import in the background: answers at once with the job; GET it for its counts and, once done, every record’s result */
        post: {
            parameters: {
                query?: {
                    /** @description the records’ shape; detected from the first record when absent */
                    format?: "plain" | "nango" | "vault";
                    /** @description check shapes, configs and idempotency only: no provider call, no write */
                    dry_run?: boolean;
                    /** @description key=auth_config_id pairs separated by commas: Nango's provider_config_key, or an exporting vault's auth config id */
                    config_map?: string;
                    /** @description the auth config of records that name none (Vault oauthapp credentials) */
                    auth_config_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description the records: a JSON array, or NDJSON (application/x-ndjson, one record per line); see docs/moving.md */
            requestBody: {
                content: {
                    "application/json": unknown[];
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description interrupted: its process stopped; run the import again (records already imported are unchanged) */
                            status: "running" | "done" | "failed" | "interrupted";
                            format: "plain" | "nango" | "vault";
                            dry_run: boolean;
                            counts: {
                                total: number;
                                /** @description records settled so far */
                                done: number;
                                imported: number;
                                unchanged: number;
                                valid: number;
                                failed: number;
                            };
                            /** @description every record’s result, once the job is done */
                            results: {
                                /** @description the record’s position in the input, from 0 */
                                index: number;
                                external_id: string | null;
                                status: "imported" | "unchanged" | "valid" | "failed";
                                connected_account_id: string | null;
                                /** @description the provider was asked for a refresh with this record’s token: the source’s copy is spent */
                                refreshed: boolean;
                                /** @description why it failed (stable code) */
                                code: string | null;
                                detail: string | null;
                            }[];
                            /** @description why the job itself failed */
                            error: string | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts/import-jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An import job: its status, counts and (once done) every record’s result */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description interrupted: its process stopped; run the import again (records already imported are unchanged) */
                            status: "running" | "done" | "failed" | "interrupted";
                            format: "plain" | "nango" | "vault";
                            dry_run: boolean;
                            counts: {
                                total: number;
                                /** @description records settled so far */
                                done: number;
                                imported: number;
                                unchanged: number;
                                valid: number;
                                failed: number;
                            };
                            /** @description every record’s result, once the job is done */
                            results: {
                                /** @description the record’s position in the input, from 0 */
                                index: number;
                                external_id: string | null;
                                status: "imported" | "unchanged" | "valid" | "failed";
                                connected_account_id: string | null;
                                /** @description the provider was asked for a refresh with this record’s token: the source’s copy is spent */
                                refreshed: boolean;
                                /** @description why it failed (stable code) */
                                code: string | null;
                                detail: string | null;
                            }[];
                            /** @description why the job itself failed */
                            error: string | null;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Export ACTIVE accounts with their refresh tokens, each encrypted to the admin’s public key (JWE), streamed as NDJSON; exported accounts are DISABLED (exported) unless keep_active */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description the public JWK the records are encrypted to: EC P-256 or P-384, or OKP X25519 (never the private key) */
                        public_key: {
                            kty: string;
                            crv: string;
                            x: string;
                            y?: string;
                        } & {
                            [key: string]: unknown;
                        };
                        auth_config_ids?: string[];
                        account_ids?: string[];
                        /**
                         * @description leave the exported accounts ACTIVE: the vault keeps refreshing them, so the importer must not (docs/moving.md#export)
                         * @default false
                         */
                        keep_active?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-ndjson": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Act on every account a filter matches (status, status_reason, auth_config_id, user_id, tags): reconnect links, disable, enable or delete; dry_run counts them */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        action: "reconnect_links" | "disable" | "enable" | "delete";
                        /** @description every field narrows the selection; at least one is required */
                        filter: {
                            status?: "INITIATED" | "ACTIVE" | "EXPIRED" | "FAILED" | "DISABLED";
                            status_reason?: string;
                            auth_config_id?: string;
                            user_id?: string;
                            tags?: string[];
                        };
                        /**
                         * @description count the matching accounts only
                         * @default false
                         */
                        dry_run?: boolean;
                        /** @description reconnect_links: where users return */
                        return_url?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            action: "reconnect_links" | "disable" | "enable" | "delete";
                            dry_run: boolean;
                            /** @description accounts matched (at most 10000) */
                            matched: number;
                            /** @description more accounts match: run the action again for them */
                            more: boolean;
                            succeeded: number;
                            failed: {
                                connected_account_id: string;
                                code: string;
                                detail: string;
                            }[];
                            /** @description reconnect_links: one link per account to send to its user */
                            links: {
                                connected_account_id: string;
                                user_id: string;
                                /** @description single-use connect link */
                                redirect_url: string;
                                /** Format: date-time */
                                expires_at: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connect/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Opens a connect link: redirects to the provider’s consent page (single use; HEAD and link previewers do not use it up; the same browser may reopen it until the flow completes) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/oauth/callback/{auth_config_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The OAuth redirect URI of one auth config (its callback_url); accepts only sessions of that config, from the browser that opened the link */
        get: {
            parameters: {
                query?: {
                    state?: string;
                    code?: string;
                    error?: string;
                    error_description?: string;
                    iss?: string;
                };
                header?: never;
                path: {
                    auth_config_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/oauth/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Retired shared callback: every auth config now has its own (callback_url); nothing is processed here */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth-configs/{id}/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A fresh access token for the auth config’s connected account (select by user_id or connected_account_id) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        user_id?: string;
                        connected_account_id?: string;
                        /**
                         * @description seconds the returned token must stay valid (refreshed first if needed); at most 3300
                         * @default 60
                         */
                        min_ttl?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            access_token: string;
                            token_type: string;
                            /** Format: date-time */
                            expires_at: string | null;
                            expires_in: number | null;
                            scopes: string[];
                            connected_account_id: string;
                            refreshed: boolean;
                            cloud_id: string | null;
                            site_url: string | null;
                            /** @description e.g. https://api.atlassian.com/ex/jira/{cloudId} */
                            api_base_url: string | null;
                            /**
                             * Format: date-time
                             * @description the latest moment this token may be used from a cache of the caller: never after expires_at, and for providers that revoke an older token some time after a refresh (Atlassian: 10 minutes) never later than that long after this answer; null when the token has no expiry
                             */
                            cache_until: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts/{id}/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A fresh access token for this connected account */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description seconds the returned token must stay valid (refreshed first if needed); at most 3300
                         * @default 60
                         */
                        min_ttl?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            access_token: string;
                            token_type: string;
                            /** Format: date-time */
                            expires_at: string | null;
                            expires_in: number | null;
                            scopes: string[];
                            connected_account_id: string;
                            refreshed: boolean;
                            cloud_id: string | null;
                            site_url: string | null;
                            /** @description e.g. https://api.atlassian.com/ex/jira/{cloudId} */
                            api_base_url: string | null;
                            /**
                             * Format: date-time
                             * @description the latest moment this token may be used from a cache of the caller: never after expires_at, and for providers that revoke an older token some time after a refresh (Atlassian: 10 minutes) never later than that long after this answer; null when the token has no expiry
                             */
                            cache_until: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connected-accounts/{id}/proxy/{*}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Call the provider’s API with this connected account’s token
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /**
         * Call the provider’s API with this connected account’s token
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /**
         * Call the provider’s API with this connected account’s token
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /**
         * Call the provider’s API with this connected account’s token
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /**
         * Call the provider’s API with this connected account’s token
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        options: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        head?: never;
        /**
         * Call the provider’s API with this connected account’s token
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/auth-configs/{id}/proxy/{*}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Call the provider’s API with a connected account of this auth config (X-Vault-User-Id or X-Vault-Connected-Account-Id)
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /**
         * Call the provider’s API with a connected account of this auth config (X-Vault-User-Id or X-Vault-Connected-Account-Id)
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /**
         * Call the provider’s API with a connected account of this auth config (X-Vault-User-Id or X-Vault-Connected-Account-Id)
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /**
         * Call the provider’s API with a connected account of this auth config (X-Vault-User-Id or X-Vault-Connected-Account-Id)
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /**
         * Call the provider’s API with a connected account of this auth config (X-Vault-User-Id or X-Vault-Connected-Account-Id)
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        options: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        head?: never;
        /**
         * Call the provider’s API with a connected account of this auth config (X-Vault-User-Id or X-Vault-Connected-Account-Id)
         * @description Forwards the call, with the caller's method, query, body and content headers, to the account's API base with `Authorization` set to a token valid for at least 60 s. The provider's status, headers and body come back as they are, streamed. Request headers `X-Vault-Cloud-Id` (another granted Atlassian site), and under an auth config `X-Vault-User-Id` or `X-Vault-Connected-Account-Id` choose the account and site; they, the vault key, cookies, hop-by-hop and forwarding headers never travel on. A 401 from the provider causes at most one refresh per account and PROXY_REJECTION_COOLDOWN_SECONDS (none for a token issued in the last minute), and one retry with a newer token (bodies up to 64 KiB); otherwise the 401 comes back as it is. A 429/503 comes back with its Retry-After. PROXY_TIMEOUT_MS bounds the whole exchange: 504 before the provider's answer, 408 while the request body is still arriving, a cut-off answer after. Access-Control-* headers are dropped; every answer carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff. Bodies beyond PROXY_MAX_BODY_BYTES: 413.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description the provider path: Atlassian `jira/…` → {ATLASSIAN_API_URL}/ex/jira/{cloudId}/…, `confluence/…` → …/ex/confluence/{cloudId}/…; generic oauth2 → {oauth2.api_base_url}/… */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                408: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/trusted-issuers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    /** @description user: its tokens name end users (a subject token selects that user’s account); workload: its tokens name services acting for them (an actor token) */
                    kind?: "user" | "workload";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                kind: string;
                                issuer: string;
                                jwks_uri: string | null;
                                /** @description the issuer’s public keys (JWK Set), when it publishes none at a URL */
                                jwks: {
                                    keys: {
                                        [key: string]: unknown;
                                    }[];
                                } | null;
                                audience: string[];
                                algorithms: string[];
                                clock_skew_seconds: number;
                                user_claim: string;
                                user_id_template: string;
                                required_claims: {
                                    [key: string]: string[];
                                };
                                auth_config_ids: string[] | null;
                                /** @description what the holder may do; omitted parts allow everything (proxy absent or null: any proxied call; [] : none) */
                                policy: {
                                    /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                    token?: boolean;
                                    proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                        /** @description HTTP methods (GET allows HEAD too); * for any */
                                        methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                        /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                        paths: string[];
                                    })[] | null;
                                    budget?: {
                                        requests: number;
                                        /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                        window_seconds: number;
                                    } | null;
                                } | null;
                                effective_policy: {
                                    token: boolean;
                                    proxy: {
                                        /** @description HTTP methods (GET allows HEAD too); * for any */
                                        methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                        /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                        paths: string[];
                                    }[];
                                    budget: {
                                        requests: number;
                                        /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                        window_seconds: number;
                                    } | null;
                                };
                                status: string;
                                /** Format: date-time */
                                created_at: string;
                                /** Format: date-time */
                                updated_at: string;
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Trust an identity provider’s tokens (user or workload) for token exchange */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @description user: its tokens name end users (a subject token selects that user’s account); workload: its tokens name services acting for them (an actor token) */
                        kind: "user" | "workload";
                        /** @description the iss its tokens carry */
                        issuer: string;
                        jwks_uri?: string;
                        /** @description the issuer’s public keys (JWK Set), when it publishes none at a URL */
                        jwks?: {
                            keys: {
                                [key: string]: unknown;
                            }[];
                        };
                        /** @description a token’s aud must name one of these */
                        audience: string[];
                        /** @description asymmetric only (never none, never HMAC); default RS256, ES256 */
                        algorithms?: ("RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512" | "EdDSA" | "Ed25519")[];
                        /** @description seconds of leeway on exp, nbf and iat; default 60 */
                        clock_skew_seconds?: number;
                        /** @description the claim naming the user (user issuers: sub, email, oid …) or the workload (sub); default sub. A false email_verified is refused when it is email */
                        user_claim?: string;
                        /** @description how the claim becomes the vault’s user_id: {claim} is replaced by its value (e.g. okta|{claim}); default {claim} */
                        user_id_template?: string;
                        /** @description claims a token must carry with one of the values listed, e.g. {"sub": ["system:serviceaccount:agents:jira-bot"]} */
                        required_claims?: {
                            [key: string]: string[];
                        };
                        /** @description the auth configs its tokens may reach (at least one; omit for all of the tenant’s) */
                        auth_config_ids?: string[];
                        /** @description what the holder may do; omitted parts allow everything (proxy absent or null: any proxied call; [] : none) */
                        policy?: {
                            /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                            token?: boolean;
                            proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                /** @description HTTP methods (GET allows HEAD too); * for any */
                                methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                paths: string[];
                            })[] | null;
                            budget?: {
                                requests: number;
                                /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                window_seconds: number;
                            } | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            kind: string;
                            issuer: string;
                            jwks_uri: string | null;
                            /** @description the issuer’s public keys (JWK Set), when it publishes none at a URL */
                            jwks: {
                                keys: {
                                    [key: string]: unknown;
                                }[];
                            } | null;
                            audience: string[];
                            algorithms: string[];
                            clock_skew_seconds: number;
                            user_claim: string;
                            user_id_template: string;
                            required_claims: {
                                [key: string]: string[];
                            };
                            auth_config_ids: string[] | null;
                            /** @description what the holder may do; omitted parts allow everything (proxy absent or null: any proxied call; [] : none) */
                            policy: {
                                /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                token?: boolean;
                                proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                })[] | null;
                                budget?: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            } | null;
                            effective_policy: {
                                token: boolean;
                                proxy: {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                }[];
                                budget: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            };
                            status: string;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/trusted-issuers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            kind: string;
                            issuer: string;
                            jwks_uri: string | null;
                            /** @description the issuer’s public keys (JWK Set), when it publishes none at a URL */
                            jwks: {
                                keys: {
                                    [key: string]: unknown;
                                }[];
                            } | null;
                            audience: string[];
                            algorithms: string[];
                            clock_skew_seconds: number;
                            user_claim: string;
                            user_id_template: string;
                            required_claims: {
                                [key: string]: string[];
                            };
                            auth_config_ids: string[] | null;
                            /** @description what the holder may do; omitted parts allow everything (proxy absent or null: any proxied call; [] : none) */
                            policy: {
                                /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                token?: boolean;
                                proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                })[] | null;
                                budget?: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            } | null;
                            effective_policy: {
                                token: boolean;
                                proxy: {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                }[];
                                budget: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            };
                            status: string;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Stop trusting an issuer: its exchanges and proxy tokens stop within a second */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change an issuer (status disabled stops its exchanges and proxy tokens within a second) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        jwks_uri?: string | null;
                        /** @description the issuer’s public keys (JWK Set), when it publishes none at a URL */
                        jwks?: {
                            keys: {
                                [key: string]: unknown;
                            }[];
                        } | null;
                        /** @description a token’s aud must name one of these */
                        audience?: string[];
                        /** @description asymmetric only (never none, never HMAC); default RS256, ES256 */
                        algorithms?: ("RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512" | "EdDSA" | "Ed25519")[];
                        /** @description seconds of leeway on exp, nbf and iat; default 60 */
                        clock_skew_seconds?: number;
                        /** @description the claim naming the user (user issuers: sub, email, oid …) or the workload (sub); default sub. A false email_verified is refused when it is email */
                        user_claim?: string;
                        /** @description how the claim becomes the vault’s user_id: {claim} is replaced by its value (e.g. okta|{claim}); default {claim} */
                        user_id_template?: string;
                        /** @description claims a token must carry with one of the values listed, e.g. {"sub": ["system:serviceaccount:agents:jira-bot"]} */
                        required_claims?: {
                            [key: string]: string[];
                        };
                        /** @description the auth configs its tokens may reach (at least one; omit for all of the tenant’s) */
                        auth_config_ids?: string[] | null;
                        /** @description what the holder may do; omitted parts allow everything (proxy absent or null: any proxied call; [] : none) */
                        policy?: {
                            /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                            token?: boolean;
                            proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                /** @description HTTP methods (GET allows HEAD too); * for any */
                                methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                paths: string[];
                            })[] | null;
                            budget?: {
                                requests: number;
                                /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                window_seconds: number;
                            } | null;
                        } | null;
                        status?: "enabled" | "disabled";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            kind: string;
                            issuer: string;
                            jwks_uri: string | null;
                            /** @description the issuer’s public keys (JWK Set), when it publishes none at a URL */
                            jwks: {
                                keys: {
                                    [key: string]: unknown;
                                }[];
                            } | null;
                            audience: string[];
                            algorithms: string[];
                            clock_skew_seconds: number;
                            user_claim: string;
                            user_id_template: string;
                            required_claims: {
                                [key: string]: string[];
                            };
                            auth_config_ids: string[] | null;
                            /** @description what the holder may do; omitted parts allow everything (proxy absent or null: any proxied call; [] : none) */
                            policy: {
                                /** @description may read raw tokens (the token routes; a token exchange for an access token); false = proxy only. Default true */
                                token?: boolean;
                                proxy?: (("jira:read" | "confluence:read" | "github:read") | {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                })[] | null;
                                budget?: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            } | null;
                            effective_policy: {
                                token: boolean;
                                proxy: {
                                    /** @description HTTP methods (GET allows HEAD too); * for any */
                                    methods: ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "*")[];
                                    /** @description proxied paths as after …/proxy/ (jira/rest/api/3/issue/*): * is one segment, ** any number of them */
                                    paths: string[];
                                }[];
                                budget: {
                                    requests: number;
                                    /** @description fixed windows aligned to the epoch (3600: each UTC hour, 86400: each UTC day); counted across replicas */
                                    window_seconds: number;
                                } | null;
                            };
                            status: string;
                            /** Format: date-time */
                            created_at: string;
                            /** Format: date-time */
                            updated_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/connected-accounts/{id}/proxy-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A short-lived proxy token for this account (proxy routes only) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description seconds the token lives (at most 900; default PROXY_TOKEN_TTL_SECONDS) */
                        ttl_seconds?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description send it as Authorization: Bearer to the proxy routes of this account (only) */
                            access_token: string;
                            /** @enum {string} */
                            issued_token_type: "urn:credential-vault:params:oauth:token-type:proxy";
                            /** @enum {string} */
                            token_type: "Bearer";
                            expires_in: number;
                            /** Format: date-time */
                            expires_at: string;
                            connected_account_id: string;
                            /** @description append the provider path: …/proxy/jira/rest/api/3/myself */
                            proxy_url: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth-configs/{id}/proxy-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A short-lived proxy token for the auth config’s account (select by user_id or connected_account_id) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        user_id?: string;
                        connected_account_id?: string;
                        /** @description seconds the token lives (at most 900; default PROXY_TOKEN_TTL_SECONDS) */
                        ttl_seconds?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description send it as Authorization: Bearer to the proxy routes of this account (only) */
                            access_token: string;
                            /** @enum {string} */
                            issued_token_type: "urn:credential-vault:params:oauth:token-type:proxy";
                            /** @enum {string} */
                            token_type: "Bearer";
                            expires_in: number;
                            /** Format: date-time */
                            expires_at: string;
                            connected_account_id: string;
                            /** @description append the provider path: …/proxy/jira/rest/api/3/myself */
                            proxy_url: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a user’s identity token for their provider token or a proxy token
         * @description RFC 8693 token exchange. The caller authenticates with a service key (Authorization: Bearer; or client_secret_basic / client_secret_post with the key's id as client_id and the key as client_secret), or with an actor_token (a JWT of a trusted workload issuer) alone. subject_token is a JWT of a trusted user issuer: the user it names (its user_claim, mapped to a user_id) is whose connected account of the auth config named by resource or audience answers. requested_token_type urn:ietf:params:oauth:token-type:access_token (default) returns the provider token, as the token endpoint does; urn:credential-vault:params:oauth:token-type:proxy a vault-signed proxy token for the proxy routes of that account. The policies of the key, the workload issuer and the user issuer all apply. Form-encoded or JSON. Errors are RFC 6749 §5.2 JSON with the vault's code (never problem+json).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/x-www-form-urlencoded": {
                        /** @description urn:ietf:params:oauth:grant-type:token-exchange */
                        grant_type: string;
                        subject_token?: string;
                        /** @description urn:ietf:params:oauth:token-type:jwt | urn:ietf:params:oauth:token-type:id_token | urn:ietf:params:oauth:token-type:access_token */
                        subject_token_type?: string;
                        actor_token?: string;
                        /** @description urn:ietf:params:oauth:token-type:jwt | urn:ietf:params:oauth:token-type:id_token | urn:ietf:params:oauth:token-type:access_token */
                        actor_token_type?: string;
                        /** @description the auth config’s URL: PUBLIC_URL/v1/auth-configs/ac_… */
                        resource?: string;
                        /** @description the auth config’s id */
                        audience?: string;
                        /** @description urn:ietf:params:oauth:token-type:access_token (default: the user’s provider token) or urn:credential-vault:params:oauth:token-type:proxy */
                        requested_token_type?: string;
                        /** @description for an access token: as on the token endpoint (default 60, at most 3300) */
                        min_ttl?: number | string;
                        /** @description accepted and ignored */
                        scope?: string;
                        client_id?: string;
                        client_secret?: string;
                    } & {
                        [key: string]: unknown;
                    };
                    "application/json": {
                        /** @description urn:ietf:params:oauth:grant-type:token-exchange */
                        grant_type: string;
                        subject_token?: string;
                        /** @description urn:ietf:params:oauth:token-type:jwt | urn:ietf:params:oauth:token-type:id_token | urn:ietf:params:oauth:token-type:access_token */
                        subject_token_type?: string;
                        actor_token?: string;
                        /** @description urn:ietf:params:oauth:token-type:jwt | urn:ietf:params:oauth:token-type:id_token | urn:ietf:params:oauth:token-type:access_token */
                        actor_token_type?: string;
                        /** @description the auth config’s URL: PUBLIC_URL/v1/auth-configs/ac_… */
                        resource?: string;
                        /** @description the auth config’s id */
                        audience?: string;
                        /** @description urn:ietf:params:oauth:token-type:access_token (default: the user’s provider token) or urn:credential-vault:params:oauth:token-type:proxy */
                        requested_token_type?: string;
                        /** @description for an access token: as on the token endpoint (default 60, at most 3300) */
                        min_ttl?: number | string;
                        /** @description accepted and ignored */
                        scope?: string;
                        client_id?: string;
                        client_secret?: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            access_token: string;
                            issued_token_type: string;
                            token_type: string;
                            expires_in: number | null;
                            /** @description the scopes the provider granted the account */
                            scope: string;
                            /** Format: date-time */
                            expires_at: string | null;
                            connected_account_id: string;
                            scopes?: string[];
                            refreshed?: boolean;
                            cloud_id?: string | null;
                            site_url?: string | null;
                            api_base_url?: string | null;
                            /** Format: date-time */
                            cache_until?: string | null;
                            proxy_url?: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description RFC 6749 §5.2 / RFC 8693 error code */
                            error: string;
                            error_description: string;
                            /** @description the vault’s stable code */
                            code: string;
                            request_id: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description RFC 6749 §5.2 / RFC 8693 error code */
                            error: string;
                            error_description: string;
                            /** @description the vault’s stable code */
                            code: string;
                            request_id: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description RFC 6749 §5.2 / RFC 8693 error code */
                            error: string;
                            error_description: string;
                            /** @description the vault’s stable code */
                            code: string;
                            request_id: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description RFC 6749 §5.2 / RFC 8693 error code */
                            error: string;
                            error_description: string;
                            /** @description the vault’s stable code */
                            code: string;
                            request_id: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                url: string;
                                event_types: string[];
                                status: string;
                                /** Format: date-time */
                                created_at: string;
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Register a webhook endpoint (its signing secret is returned once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        url: string;
                        event_types?: ("connected_account.active" | "connected_account.expired" | "connected_account.refresh_failed" | "connected_account.recovered" | "connected_account.consent_expiring" | "connected_account.credential_expiring" | "connected_account.deleted")[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            event_types: string[];
                            status: string;
                            /** Format: date-time */
                            created_at: string;
                            /** @description Standard Webhooks signing secret (whsec_…); shown once */
                            secret: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            url: string;
                            event_types: string[];
                            status: string;
                            /** Format: date-time */
                            created_at: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lifecycle events, newest first, with their deliveries */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    type?: "connected_account.active" | "connected_account.expired" | "connected_account.refresh_failed" | "connected_account.recovered" | "connected_account.consent_expiring" | "connected_account.credential_expiring" | "connected_account.deleted";
                    connected_account_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                type: string;
                                connected_account_id: string | null;
                                data: {
                                    [key: string]: unknown;
                                };
                                /** Format: date-time */
                                created_at: string;
                                deliveries: {
                                    endpoint_id: string;
                                    status: string;
                                    attempts: number;
                                    last_status: number | null;
                                    last_error: string | null;
                                    /** Format: date-time */
                                    next_attempt_at: string;
                                    /** Format: date-time */
                                    delivered_at: string | null;
                                }[];
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Deliver an event again to the endpoints it was sent to (409 event_has_no_deliveries when there were none) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            type: string;
                            connected_account_id: string | null;
                            data: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            created_at: string;
                            deliveries: {
                                endpoint_id: string;
                                status: string;
                                attempts: number;
                                last_status: number | null;
                                last_error: string | null;
                                /** Format: date-time */
                                next_attempt_at: string;
                                /** Format: date-time */
                                delivered_at: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who did what, when, from where (newest first): admin keys read their tenant’s trail (operator actions on it included), operator keys every operator action */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    action?: string;
                    resource_id?: string;
                    actor_key_id?: string;
                    since?: string;
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                tenant_id: string | null;
                                actor_key_id: string | null;
                                actor_role: string | null;
                                action: string;
                                resource_type: string;
                                resource_id: string | null;
                                ip: string | null;
                                details: {
                                    [key: string]: unknown;
                                };
                                /** @description how many times it happened: 1 for an admin change; token reads and proxied calls are counted per key, account and minute (created_at is that minute) */
                                count: number;
                                /** Format: date-time */
                                created_at: string;
                            }[];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/master-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Master keys and how many data keys each wraps (retire a key at 0) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                kid: string;
                                active: boolean;
                                configured: boolean;
                                data_keys: number;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/master-keys/rewrap": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-wrap every data key with the active master key (idempotent, resumable) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rewrapped: number;
                            data: {
                                kid: string;
                                active: boolean;
                                configured: boolean;
                                data_keys: number;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants/{id}/rotate-data-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** New data key for the tenant; re-encrypts its fields in batches */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data_key_id: string;
                            reencrypted: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Problem: {
            type: string;
            /** @description stable machine-readable error code */
            code: string;
            status: number;
            title: string;
            detail: string;
            request_id: string;
        } & {
            [key: string]: unknown;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
