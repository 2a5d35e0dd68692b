{{/*
Name of the chart, overridable with nameOverride.
*/}}
{{- define "pgrealtime.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name prefix of every resource: <release>-<chart>, or the release name when it already
contains the chart name; fullnameOverride replaces it. Kept at 50 characters so that suffixes
such as "-gateway" stay within the 63-character limit of names and labels.
*/}}
{{- define "pgrealtime.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "pgrealtime.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every resource.
*/}}
{{- define "pgrealtime.labels" -}}
helm.sh/chart: {{ include "pgrealtime.chart" . }}
{{ include "pgrealtime.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pgrealtime
{{- end }}

{{/*
Selector labels shared by both components; each component adds app.kubernetes.io/component.
*/}}
{{- define "pgrealtime.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pgrealtime.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "pgrealtime.gateway.fullname" -}}
{{- printf "%s-gateway" (include "pgrealtime.fullname" .) }}
{{- end }}

{{- define "pgrealtime.relay.fullname" -}}
{{- printf "%s-relay" (include "pgrealtime.fullname" .) }}
{{- end }}

{{- define "pgrealtime.gateway.selectorLabels" -}}
{{ include "pgrealtime.selectorLabels" . }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "pgrealtime.relay.selectorLabels" -}}
{{ include "pgrealtime.selectorLabels" . }}
app.kubernetes.io/component: relay
{{- end }}

{{/*
Name of the Secret holding JWT_SECRET and PGPASSWORD: the chart's own, or secrets.existingSecret.
*/}}
{{- define "pgrealtime.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- include "pgrealtime.fullname" . }}
{{- end }}
{{- end }}

{{- define "pgrealtime.configMapName" -}}
{{- include "pgrealtime.fullname" . }}
{{- end }}

{{- define "pgrealtime.relay.image" -}}
{{- printf "%s:%s" .Values.image.relay.repository (default .Chart.AppVersion .Values.image.relay.tag) }}
{{- end }}

{{- define "pgrealtime.gateway.image" -}}
{{- printf "%s:%s" .Values.image.gateway.repository (default .Chart.AppVersion .Values.image.gateway.tag) }}
{{- end }}

{{/*
Settings from the Secret that override the ConfigMap when the key exists (optional references):
DATABASE_URL and REDIS_URL with credentials.
*/}}
{{- define "pgrealtime.optionalSecretEnv" -}}
{{- $secret := include "pgrealtime.secretName" .root }}
{{- range .keys }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
      optional: true
{{- end }}
{{- end }}

{{/*
The /tmp emptyDir of every pod: the root file system is read-only, and the JVM (hsperfdata) and
Netty (its native transport library) write to java.io.tmpdir.
*/}}
{{- define "pgrealtime.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}

{{/*
Checksums of the ConfigMap and the chart's Secret, so that pods roll when a setting changes.
*/}}
{{- define "pgrealtime.configChecksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if not .Values.secrets.existingSecret }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end }}
