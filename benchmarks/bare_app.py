"""Reference for the browser benchmark: the barest Streamlit page (one line of text), served the same way.

What a page of ours costs above this is ours to cut; what it costs itself is Streamlit on this machine.
"""

import streamlit as st

st.set_page_config(page_title="bare", layout="wide")
st.write("Bare Streamlit page")
