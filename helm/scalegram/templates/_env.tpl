{{/*
Each deployable's environment, read by its src/config.ts (the chart's tests check every variable here
against that schema). A template renders YAML with `config` (plain values, the ConfigMap) and
`secrets` (env entries read from Secrets). PORT, LOG_LEVEL, NAMESPACE and SHUTDOWN_TIMEOUT_MS are added
for all.
*/}}

{{/* An env entry from a Secret: (dict "env" "DATABASE_URL" "secret" "name" "key" "key") */}}
{{- define "scalegram.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end -}}

{{/* DATABASE_URL (or POST_DATABASE_URLS) of a database: (dict "root" $ "database" "auth" "env" "DATABASE_URL") */}}
{{- define "scalegram.databaseEnv" -}}
{{- $database := index .root.Values.postgres.databases .database -}}
{{- if $database.external.enabled -}}
{{- $secret := required (printf "postgres.databases.%s.external.existingSecret is required when the database is external" .database) $database.external.existingSecret -}}
{{ include "scalegram.secretEnv" (dict "env" .env "secret" $secret "key" $database.external.key) }}
{{- else -}}
{{ include "scalegram.secretEnv" (dict "env" .env "secret" (include "scalegram.storeSecretName" .root) "key" (printf "postgres-%s-url" .database)) }}
{{- end -}}
{{- end -}}

{{/* REDIS_URL: plain in-cluster (NetworkPolicy-guarded, no password), from a Secret when external. */}}
{{- define "scalegram.redisEnv" -}}
{{- if .Values.redis.external.enabled -}}
secrets:
{{ include "scalegram.secretEnv" (dict "env" "REDIS_URL" "secret" (required "redis.external.existingSecret is required when redis.external.enabled" .Values.redis.external.existingSecret) "key" .Values.redis.external.key) }}
{{- else -}}
config:
  REDIS_URL: {{ printf "redis://%s:6379" (include "scalegram.name" (dict "root" . "name" "redis")) }}
{{- end -}}
{{- end -}}

{{/* S3_ACCESS_KEY / S3_SECRET_KEY from the MinIO (or external S3) Secret. */}}
{{- define "scalegram.s3SecretEnv" -}}
{{- $secret := include "scalegram.s3SecretName" . -}}
{{- $accessKey := ternary .Values.minio.external.accessKeyKey "S3_ACCESS_KEY" .Values.minio.external.enabled -}}
{{- $secretKey := ternary .Values.minio.external.secretKeyKey "S3_SECRET_KEY" .Values.minio.external.enabled -}}
{{ include "scalegram.secretEnv" (dict "env" "S3_ACCESS_KEY" "secret" $secret "key" $accessKey) }}
{{ include "scalegram.secretEnv" (dict "env" "S3_SECRET_KEY" "secret" $secret "key" $secretKey) }}
{{- end -}}

{{- define "scalegram.jwksUrl" -}}
{{- printf "%s/.well-known/jwks.json" (include "scalegram.serviceUrl" (dict "root" . "name" "auth")) -}}
{{- end -}}

{{- define "scalegram.env.gateway" -}}
{{- $redis := include "scalegram.redisEnv" . | fromYaml -}}
{{- $settings := include "scalegram.settings" (dict "root" . "name" "gateway") | fromYaml -}}
config:
  AUTH_SERVICE_URL: {{ include "scalegram.serviceUrl" (dict "root" . "name" "auth") }}
  USER_SERVICE_URL: {{ include "scalegram.serviceUrl" (dict "root" . "name" "user") }}
  {{- range $name := list "post" "media" "feed" "search" "notification" }}
  {{- if include "scalegram.serviceEnabled" (dict "root" $ "name" $name) }}
  {{ upper $name }}_SERVICE_URL: {{ include "scalegram.serviceUrl" (dict "root" $ "name" $name) }}
  {{- end }}
  {{- end }}
  JWKS_URL: {{ include "scalegram.jwksUrl" . }}
  AUTH_ISSUER: {{ .Values.authIssuer | quote }}
  TRUST_PROXY: {{ $settings.trustProxy | quote }}
  {{- with $settings.metricsPort }}
  METRICS_PORT: {{ . | quote }}
  {{- end }}
  {{- with $redis.config }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with $redis.secrets }}
secrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "scalegram.env.auth" -}}
{{- $redis := include "scalegram.redisEnv" . | fromYaml -}}
{{- $keys := .Values.services.auth.signingKeys -}}
config:
  USER_SERVICE_URL: {{ include "scalegram.serviceUrl" (dict "root" . "name" "user") }}
  AUTH_ISSUER: {{ .Values.authIssuer | quote }}
  # Only the gateway and the services reach auth (NetworkPolicy); the gateway sets X-Forwarded-For.
  TRUST_PROXY: "true"
  {{- if not $keys.existingSecret }}
  AUTH_KEYS_FILE: /var/run/scalegram/auth-keys/key-ring.json
  {{- end }}
  {{- with $redis.config }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
secrets:
{{ include "scalegram.databaseEnv" (dict "root" . "database" "auth" "env" "DATABASE_URL") }}
{{- with $redis.secrets }}
{{ toYaml . }}
{{- end }}
{{- if include "scalegram.serviceClientsUsed" . }}
{{ include "scalegram.secretEnv" (dict "env" "SERVICE_CLIENTS" "secret" (include "scalegram.serviceClientsSecretName" .) "key" "SERVICE_CLIENTS") }}
{{- end }}
{{- if $keys.existingSecret }}
{{ include "scalegram.secretEnv" (dict "env" "AUTH_SIGNING_KEYS" "secret" $keys.existingSecret "key" $keys.key) }}
{{- else }}
volumes:
  - name: auth-keys
    emptyDir:
      sizeLimit: 1Mi
mounts:
  - name: auth-keys
    mountPath: /var/run/scalegram/auth-keys
{{- end }}
{{- end -}}

{{- define "scalegram.env.user" -}}
{{- $redis := include "scalegram.redisEnv" . | fromYaml -}}
config:
  NATS_URL: {{ include "scalegram.natsUrl" . }}
  NATS_STREAM_REPLICAS: {{ include "scalegram.streamReplicas" . | quote }}
  JWKS_URL: {{ include "scalegram.jwksUrl" . }}
  AUTH_ISSUER: {{ .Values.authIssuer | quote }}
  {{- if include "scalegram.serviceEnabled" (dict "root" . "name" "media") }}
  # A new avatar is checked with the media service (yours, ready, an image).
  MEDIA_SERVICE_URL: {{ include "scalegram.serviceUrl" (dict "root" . "name" "media") }}
  {{- end }}
  {{- with $redis.config }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
secrets:
{{ include "scalegram.databaseEnv" (dict "root" . "database" "user" "env" "DATABASE_URL") }}
{{- with $redis.secrets }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "scalegram.env.post" -}}
config:
  NATS_URL: {{ include "scalegram.natsUrl" . }}
  NATS_STREAM_REPLICAS: {{ include "scalegram.streamReplicas" . | quote }}
  JWKS_URL: {{ include "scalegram.jwksUrl" . }}
  AUTH_ISSUER: {{ .Values.authIssuer | quote }}
  MEDIA_SERVICE_URL: {{ include "scalegram.serviceUrl" (dict "root" . "name" "media") }}
secrets:
{{ include "scalegram.databaseEnv" (dict "root" . "database" "post" "env" "POST_DATABASE_URLS") }}
{{- end -}}

{{- define "scalegram.env.media" -}}
config:
  NATS_URL: {{ include "scalegram.natsUrl" . }}
  NATS_STREAM_REPLICAS: {{ include "scalegram.streamReplicas" . | quote }}
  JWKS_URL: {{ include "scalegram.jwksUrl" . }}
  AUTH_ISSUER: {{ .Values.authIssuer | quote }}
  S3_ENDPOINT: {{ include "scalegram.s3Endpoint" . }}
  {{- with .Values.minio.bucket }}
  S3_BUCKET: {{ . | quote }}
  {{- end }}
  S3_REGION: {{ .Values.minio.region | quote }}
  {{- if and .Values.ingress.enabled .Values.ingress.objectStoreHost (not .Values.minio.external.enabled) }}
  S3_PUBLIC_URL: {{ printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.objectStoreHost }}
  {{- end }}
secrets:
{{ include "scalegram.databaseEnv" (dict "root" . "database" "media" "env" "DATABASE_URL") }}
{{ include "scalegram.s3SecretEnv" . }}
{{- end -}}

{{- define "scalegram.env.media-worker" -}}
config:
  NATS_URL: {{ include "scalegram.natsUrl" . }}
  NATS_STREAM_REPLICAS: {{ include "scalegram.streamReplicas" . | quote }}
  S3_ENDPOINT: {{ include "scalegram.s3Endpoint" . }}
  {{- with .Values.minio.bucket }}
  S3_BUCKET: {{ . | quote }}
  {{- end }}
  S3_REGION: {{ .Values.minio.region | quote }}
  # Videos are copied here for ffmpeg: an emptyDir, since the root filesystem is read-only.
  TEMP_DIRECTORY: /tmp
secrets:
{{ include "scalegram.s3SecretEnv" . }}
{{- end -}}

{{- define "scalegram.env.search" -}}
config:
  NATS_URL: {{ include "scalegram.natsUrl" . }}
  NATS_STREAM_REPLICAS: {{ include "scalegram.streamReplicas" . | quote }}
  JWKS_URL: {{ include "scalegram.jwksUrl" . }}
  AUTH_ISSUER: {{ .Values.authIssuer | quote }}
  QDRANT_URL: {{ include "scalegram.qdrantUrl" . }}
{{- if and .Values.qdrant.external.enabled .Values.qdrant.external.existingSecret }}
secrets:
{{ include "scalegram.secretEnv" (dict "env" "QDRANT_API_KEY" "secret" .Values.qdrant.external.existingSecret "key" .Values.qdrant.external.apiKeyKey) }}
{{- end }}
{{- end -}}

{{/* The search re-index Job: the service's variables plus the post service and its client credentials. */}}
{{- define "scalegram.env.search-reindex" -}}
{{- $search := include "scalegram.env.search" . | fromYaml -}}
config:
  {{- toYaml $search.config | nindent 2 }}
  POST_SERVICE_URL: {{ include "scalegram.serviceUrl" (dict "root" . "name" "post") }}
  AUTH_URL: {{ include "scalegram.serviceUrl" (dict "root" . "name" "auth") }}
  SERVICE_CLIENT_ID: search
secrets:
{{- with $search.secrets }}
{{ toYaml . }}
{{- end }}
{{ include "scalegram.secretEnv" (dict "env" "SERVICE_CLIENT_SECRET" "secret" (include "scalegram.serviceClientsSecretName" .) "key" "search-client-secret") }}
{{- end -}}

{{- define "scalegram.env.notification" -}}
config:
  NATS_URL: {{ include "scalegram.natsUrl" . }}
  NATS_STREAM_REPLICAS: {{ include "scalegram.streamReplicas" . | quote }}
  JWKS_URL: {{ include "scalegram.jwksUrl" . }}
  AUTH_ISSUER: {{ .Values.authIssuer | quote }}
secrets:
{{ include "scalegram.databaseEnv" (dict "root" . "database" "notification" "env" "DATABASE_URL") }}
{{- end -}}

{{/* The feed API and its fan-out worker: one package, one image, the same variables. */}}
{{- define "scalegram.env.feed" -}}
{{- $redis := include "scalegram.redisEnv" . | fromYaml -}}
config:
  NATS_URL: {{ include "scalegram.natsUrl" . }}
  NATS_STREAM_REPLICAS: {{ include "scalegram.streamReplicas" . | quote }}
  JWKS_URL: {{ include "scalegram.jwksUrl" . }}
  AUTH_ISSUER: {{ .Values.authIssuer | quote }}
  USER_SERVICE_URL: {{ include "scalegram.serviceUrl" (dict "root" . "name" "user") }}
  POST_SERVICE_URL: {{ include "scalegram.serviceUrl" (dict "root" . "name" "post") }}
  {{- with $redis.config }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with $redis.secrets }}
secrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "scalegram.env.feed-worker" -}}
{{ include "scalegram.env.feed" . }}
{{- end -}}
