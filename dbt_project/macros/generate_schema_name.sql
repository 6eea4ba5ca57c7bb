{#- Schemas are exactly staging / intermediate / marts / seeds (dbt-duckdb would prefix main_). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
