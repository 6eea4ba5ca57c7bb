{#-
  Offence codes of a row; rows loaded before offence_codes existed carry only their Criminal
  Code articles, which are the codes 'CP' || article.
-#}
{% macro offence_codes(codes='offence_codes', articles='offence_articles') -%}
    coalesce({{ codes }}, list_transform({{ articles }}, lambda a: 'CP' || a))
{%- endmacro %}

{#- True when any of the codes is a trafficking offence (codelist_offence.is_trafficking_offence). -#}
{% macro is_trafficking(codes) -%}
    coalesce(list_has_any(
        {{ codes }},
        (select list(code) from {{ ref('codelist_offence') }} where is_trafficking_offence)
    ), false)
{%- endmacro %}
