{#-
  Whether a row's value agrees with every value the other agencies give for the same person:
  null where the row or every other agency leaves it out (not compared). others: the prefix of
  the `_given` (count), `_least` and `_greatest` columns that sum up the other agencies' values.
-#}
{% macro agrees_with_all(value, others) -%}
    case
        when {{ others }}_given > 0
            then {{ value }} = {{ others }}_least and {{ value }} = {{ others }}_greatest
    end
{%- endmacro %}
