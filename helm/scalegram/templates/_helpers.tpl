{{/*
Names, labels and the small shared helpers. Every object is named `<fullname>-<component>`; the
fullname is the release name, or `<release>-scalegram` when the release name does not say scalegram.
*/}}
{{- define "scalegram.fullname" -}}
{{- if contains "scalegram" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-scalegram" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The object name of a component: (dict "root" $ "name" "auth") */}}
{{- define "scalegram.name" -}}
{{- printf "%s-%s" (include "scalegram.fullname" .root) .name -}}
{{- end -}}

{{- define "scalegram.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "scalegram.labels" -}}
{{ include "scalegram.selectorLabels" . }}
app.kubernetes.io/part-of: scalegram
app.kubernetes.io/component: {{ .component | default "service" }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/*
Which services each deployable calls and which stores it uses: the source of the service URLs in each
ConfigMap and of every NetworkPolicy. `calls` lists callees (auth is called for its JWKS by every
token verifier); `stores` lists postgres:<database>, redis, nats, minio, qdrant.
*/}}
{{- define "scalegram.topology" -}}
gateway:
  calls: [auth, user, post, media, feed, search, notification]
  stores: [redis]
auth:
  calls: [user]
  stores: ["postgres:auth", redis]
user:
  calls: [auth, media]
  stores: ["postgres:user", redis, nats]
post:
  calls: [auth, media]
  stores: ["postgres:post", nats]
media:
  calls: [auth]
  stores: ["postgres:media", nats, minio]
media-worker:
  calls: []
  stores: [nats, minio]
search:
  calls: [auth]
  stores: [qdrant, nats]
notification:
  calls: [auth]
  stores: ["postgres:notification", nats]
feed:
  calls: [auth, post, user]
  stores: [redis, nats]
feed-worker:
  calls: []
  stores: [redis, nats]
{{- end -}}

{{/*
One-off Jobs that talk to the services, with their paths (rendered only when enabled):
search-reindex rebuilds the search index from the post service with a service token from auth.
*/}}
{{- define "scalegram.jobTopology" -}}
search-reindex:
  calls: [auth, post]
  stores: [qdrant, nats]
{{- end -}}

{{/* The enabled one-off Jobs (a list). */}}
{{- define "scalegram.enabledJobs" -}}
{{- $jobs := list -}}
{{- if and (include "scalegram.serviceEnabled" (dict "root" . "name" "search")) .Values.services.search.reindex.enabled -}}
{{- $jobs = append $jobs "search-reindex" -}}
{{- end -}}
{{- toYaml $jobs -}}
{{- end -}}

{{/* The deployables this release runs, in a stable order (a list). */}}
{{- define "scalegram.enabledServices" -}}
{{- $topology := include "scalegram.topology" . | fromYaml -}}
{{- $names := list -}}
{{- range $name := keys .Values.services | sortAlpha -}}
{{- $service := index $.Values.services $name -}}
{{- if and $service.enabled (hasKey $topology $name) -}}
{{- $names = append $names $name -}}
{{- end -}}
{{- end -}}
{{- toYaml $names -}}
{{- end -}}

{{/* Is a service enabled: (dict "root" $ "name" "post") → "true" or "" */}}
{{- define "scalegram.serviceEnabled" -}}
{{- $service := index .root.Values.services .name | default dict -}}
{{- if $service.enabled -}}true{{- end -}}
{{- end -}}

{{/* A deployable's settings: defaults merged with its own entry (YAML). */}}
{{- define "scalegram.settings" -}}
{{- $own := index .root.Values.services .name | default dict -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy $own)) -}}
{{- end -}}

{{/* A Scalegram image reference: (dict "root" $ "repository" "scalegram/auth" "tag" "") */}}
{{- define "scalegram.image" -}}
{{- $tag := .tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .repository $tag -}}
{{- end -}}
{{- end -}}

{{/* A third-party image: (dict "image" .Values.postgres.image) */}}
{{- define "scalegram.storeImage" -}}
{{- printf "%s:%s" .image.repository .image.tag -}}
{{- end -}}

{{/* The in-cluster URL of a service: (dict "root" $ "name" "auth") */}}
{{- define "scalegram.serviceUrl" -}}
{{- printf "http://%s" (include "scalegram.name" .) -}}
{{- end -}}

{{/* Store modes. Each renders "true" when the store is reached outside the cluster. */}}
{{- define "scalegram.postgresExternal" -}}
{{- $database := index .root.Values.postgres.databases .database | default dict -}}
{{- if and $database.external $database.external.enabled -}}true{{- end -}}
{{- end -}}

{{/* Does any enabled service use this store: (dict "root" $ "store" "redis") → "true" or "" */}}
{{- define "scalegram.storeUsed" -}}
{{- $topology := include "scalegram.topology" .root | fromYaml -}}
{{- $used := false -}}
{{- range $name := include "scalegram.enabledServices" .root | fromYamlArray -}}
{{- if has $.store (index $topology $name).stores -}}{{- $used = true -}}{{- end -}}
{{- end -}}
{{- if $used -}}true{{- end -}}
{{- end -}}

{{/* The in-cluster Postgres databases this release runs (a list of database names). */}}
{{- define "scalegram.inClusterDatabases" -}}
{{- $databases := list -}}
{{- range $name := keys .Values.postgres.databases | sortAlpha -}}
{{- if and (include "scalegram.storeUsed" (dict "root" $ "store" (printf "postgres:%s" $name))) (not (include "scalegram.postgresExternal" (dict "root" $ "database" $name))) -}}
{{- $databases = append $databases $name -}}
{{- end -}}
{{- end -}}
{{- toYaml $databases -}}
{{- end -}}

{{- define "scalegram.natsUrl" -}}
{{- if .Values.nats.external.enabled -}}
{{- required "nats.external.url is required when nats.external.enabled" .Values.nats.external.url -}}
{{- else -}}
{{- printf "nats://%s:4222" (include "scalegram.name" (dict "root" . "name" "nats")) -}}
{{- end -}}
{{- end -}}

{{/* Replicas of every JetStream stream: nats.streamReplicas when set; else the in-cluster NATS size (one copy per node of a 3- or 5-node cluster), or 1 for an external server. */}}
{{- define "scalegram.streamReplicas" -}}
{{- if .Values.nats.streamReplicas -}}
{{- .Values.nats.streamReplicas -}}
{{- else if .Values.nats.external.enabled -}}
1
{{- else -}}
{{- min 3 .Values.nats.replicas -}}
{{- end -}}
{{- end -}}

{{- define "scalegram.s3Endpoint" -}}
{{- if .Values.minio.external.enabled -}}
{{- required "minio.external.endpoint is required when minio.external.enabled" .Values.minio.external.endpoint -}}
{{- else -}}
{{- printf "http://%s:9000" (include "scalegram.name" (dict "root" . "name" "minio")) -}}
{{- end -}}
{{- end -}}

{{- define "scalegram.qdrantUrl" -}}
{{- if .Values.qdrant.external.enabled -}}
{{- required "qdrant.external.url is required when qdrant.external.enabled" .Values.qdrant.external.url -}}
{{- else -}}
{{- printf "http://%s:6333" (include "scalegram.name" (dict "root" . "name" "qdrant")) -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the in-cluster stores' generated credentials. */}}
{{- define "scalegram.storeSecretName" -}}
{{- printf "%s-store-credentials" (include "scalegram.fullname" .) -}}
{{- end -}}

{{/* The MinIO credentials Secret (generated, or minio.existingSecret / minio.external.existingSecret). */}}
{{- define "scalegram.s3SecretName" -}}
{{- if .Values.minio.external.enabled -}}
{{- required "minio.external.existingSecret is required when minio.external.enabled" .Values.minio.external.existingSecret -}}
{{- else -}}
{{- .Values.minio.existingSecret | default (include "scalegram.storeSecretName" .) -}}
{{- end -}}
{{- end -}}

{{/* Pod and container security contexts shared by every workload (Pod Security "restricted"). */}}
{{- define "scalegram.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid | default 1000 }}
runAsGroup: {{ .uid | default 1000 }}
fsGroup: {{ .uid | default 1000 }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "scalegram.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* A volumeClaimTemplate: (dict "name" "data" "persistence" .Values.x.persistence) */}}
{{- define "scalegram.volumeClaim" -}}
- metadata:
    name: {{ .name }}
  spec:
    accessModes: [ReadWriteOnce]
    {{- with .persistence.storageClass }}
    storageClassName: {{ . }}
    {{- end }}
    resources:
      requests:
        storage: {{ .persistence.size }}
{{- end -}}

{{/* The database a service owns ("" when none): (dict "root" $ "name" "post") */}}
{{- define "scalegram.databaseOf" -}}
{{- $topology := include "scalegram.topology" .root | fromYaml -}}
{{- range $store := (index $topology .name | default dict).stores -}}
{{- if hasPrefix "postgres:" $store }}{{ trimPrefix "postgres:" $store }}{{ end -}}
{{- end -}}
{{- end -}}

{{/* Is a store (as named in the topology) external: (dict "root" $ "store" "postgres:auth") → "true" or "" */}}
{{- define "scalegram.storeExternal" -}}
{{- if hasPrefix "postgres:" .store -}}
{{- include "scalegram.postgresExternal" (dict "root" .root "database" (trimPrefix "postgres:" .store)) -}}
{{- else -}}
{{- $values := index .root.Values .store -}}
{{- if $values.external.enabled }}true{{ end -}}
{{- end -}}
{{- end -}}

{{/* The in-cluster instances of a store kind that this release runs (a list of topology names). */}}
{{- define "scalegram.storeInstances" -}}
{{- $instances := list -}}
{{- if eq .store "postgres" -}}
{{- range $database := include "scalegram.inClusterDatabases" .root | fromYamlArray -}}
{{- $instances = append $instances (printf "postgres:%s" $database) -}}
{{- end -}}
{{- else if and (include "scalegram.storeUsed" .) (not (include "scalegram.storeExternal" .)) -}}
{{- $instances = append $instances .store -}}
{{- end -}}
{{- toYaml $instances -}}
{{- end -}}

{{/* Egress rules to a service's stores: (dict "root" $ "stores" (list ...) "ports" $storePorts) */}}
{{- define "scalegram.storeEgress" -}}
{{- $root := .root -}}
{{- $external := false -}}
{{- range $store := .stores -}}
{{- $kind := regexReplaceAll ":.*" $store "" -}}
{{- if include "scalegram.storeExternal" (dict "root" $root "store" $store) -}}
{{- $external = true -}}
{{- else }}
- to:
    - podSelector:
        matchLabels:
          {{- include "scalegram.selectorLabels" (dict "root" $root "name" (replace ":" "-" $store)) | nindent 10 }}
  ports:
    {{- range $port := index $.ports $kind }}
    - port: {{ $port }}
    {{- end }}
{{- end }}
{{- end }}
{{- if $external }}
{{- range $rule := $root.Values.networkPolicy.externalStores }}
- to:
    - ipBlock:
        cidr: {{ $rule.cidr }}
  ports:
    {{- range $port := $rule.ports }}
    - port: {{ $port }}
    {{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Service identities: the clients auth registers (id → scopes), when their user is enabled. */}}
{{- define "scalegram.serviceClients" -}}
{{- if include "scalegram.serviceEnabled" (dict "root" . "name" "search") }}
search: ["posts:read"]
{{- end }}
{{- end -}}

{{- define "scalegram.serviceClientsUsed" -}}
{{- if or .Values.serviceClients.existingSecret (include "scalegram.serviceClients" . | fromYaml) -}}true{{- end -}}
{{- end -}}

{{- define "scalegram.serviceClientsSecretName" -}}
{{- .Values.serviceClients.existingSecret | default (printf "%s-service-clients" (include "scalegram.fullname" .)) -}}
{{- end -}}

{{/* The `secretEnv` of a deployable's settings as env entries (a list). */}}
{{- define "scalegram.extraSecretEnv" -}}
{{- $entries := list -}}
{{- range $name := keys (.secretEnv | default dict) | sortAlpha -}}
{{- $ref := index $.secretEnv $name -}}
{{- $entries = append $entries (dict "name" $name "valueFrom" (dict "secretKeyRef" (dict "name" $ref.secret "key" $ref.key))) -}}
{{- end -}}
{{- toYaml $entries -}}
{{- end -}}
