# What the locally made base images contain, pinned with the registry's integrity (sha512) so a
# build fetches exactly these bytes. Tests check them against their other sources of truth: the
# Node.js version against .env's NODE_IMAGE, the PostgreSQL binaries against package-lock.json.

NODE_VERSION=24.21.0
NODE_INTEGRITY=sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==
# The npm and corepack that Node.js 24.21.0 bundles (its CHANGELOG: npm 11.19.0 since 24.20.0,
# corepack 0.36.0 in 24.21.0).
NPM_VERSION=11.19.0
NPM_INTEGRITY=sha512-SDd/hHg3KqHE5Ht2NHWxNYNtqCQ2pXAPLl6OtQhPyED5PHsRfrOtO199MZTIG2cQoQ1ZRI9t28shrD+2cr3AAw==
COREPACK_VERSION=0.36.0
COREPACK_INTEGRITY=sha512-SiiJsBhZqdBiPHTEl6OT3sASrRrKIcYTQMsVGXx6EE/gM8WFMwYjeIX8Tt8RiU4Iv2J6LbT8KpGfCOsBpRWB/w==

EMBEDDED_POSTGRES_VERSION=18.4.0-beta.17
EMBEDDED_POSTGRES_INTEGRITY=sha512-jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA==

# The tool that makes the Debian root file system, from the machine's bookworm.
MMDEBSTRAP_PACKAGE=mmdebstrap=1.3.5-7
