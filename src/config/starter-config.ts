/**
 * The commented `lifeboat.yaml` that `lifeboat init` writes. It must stay valid: a test
 * validates it. Two providers and one example environment show the shape; docs/config.md has
 * every key.
 */
export const starterConfig = `# Lifeboat configuration. Reference: docs/config.md
# Relative paths are relative to this file's folder.

# Where Lifeboat keeps its own state (runs, journals, schedules).
# sqlite:<path> (default) or postgres://user@host:5432/lifeboat
state: sqlite:.lifeboat/state.db

# The encrypted repository that holds captures and data.
repository:
  url: file:.lifeboat/repo          # or s3://bucket/prefix
  # endpoint: http://127.0.0.1:5000 # an S3-compatible endpoint, for s3:// URLs
  passwordEnv: LIFEBOAT_PASSWORD    # or passwordFile: /path/to/file (exactly one)

# Cloud connections. Credentials come from the environment (AWS SDK default chain)
# unless a provider sets credentials: { profile: … }.
providers:
  primary:
    type: aws
    region: us-east-1
    # endpoint: http://127.0.0.1:5000   # for AWS-compatible clouds and emulators
  standby:
    type: aws
    region: us-west-2

# What to protect and where to recover it.
environments:
  example:
    source: primary
    select:
      tags: { app: example }          # or network: vpc-…, or ids: [i-…]
    capture:
      every: 5m
    protect:
      - volumes: { tags: { app: example } }
        rpo: 15m
    recovery:
      target: standby
      mapping:
        zones: { us-east-1a: us-west-2a }
        keepPrivateIps: true
    # health:
    #   - http: { url: "https://example.com/health", every: 10s }
    failover:
      action: alert                   # alert | failover-with-approval | auto-failover
      after: 3
    # dns: { zone: example.com, records: [ app.example.com ] }
`;
