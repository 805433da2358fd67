{{/* The labels every object of the chart selects its pods by (the same as manifests/). */}}
{{- define "spotpack.selector" -}}
app.kubernetes.io/name: {{ .Values.schedulerName }}
{{- end -}}

{{/* spotpack.yaml: the configured values, plus the webhook listener when the webhook is on. */}}
{{- define "spotpack.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- if .Values.tls.secretName -}}
{{- $server := get $config "server" | default dict -}}
{{- $tls := dict "certFile" "/etc/spotpack/tls/tls.crt" "keyFile" "/etc/spotpack/tls/tls.key" -}}
{{- if .Values.tls.clientAuth -}}
{{- $_ := set $tls "clientCaFile" "/etc/spotpack/tls/ca.crt" -}}
{{- end -}}
{{- $_ := set $server "tls" $tls -}}
{{- $_ := set $config "server" $server -}}
{{- end -}}
{{- if .Values.webhook.enabled -}}
{{- $server := get $config "server" | default dict -}}
{{- $webhook := dict "port" .Values.webhook.port "certFile" "/etc/spotpack/webhook-tls/tls.crt" "keyFile" "/etc/spotpack/webhook-tls/tls.key" -}}
{{- if not .Values.webhook.placementGate -}}
{{- $_ := set $webhook "placementGate" false -}}
{{- end -}}
{{- $_ := set $server "webhook" $webhook -}}
{{- $_ := set $config "server" $server -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}
